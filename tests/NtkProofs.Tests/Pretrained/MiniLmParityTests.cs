using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using NtkProofs.Tokenization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Pretrained;

/// <summary>The TorchSharp rebuild of all-MiniLM-L6-v2 against ONNX Runtime on the same ONNX file, and known values.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class MiniLmParityTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Sentences =
    [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "The new movie is awesome, but the ending was a little too long for my taste.",
        "Hi",
        "the rock is destined to be the 21st century's new \" conan \" and that he's going to make a splash even greater than arnold schwarzenegger .",
    ];

    [Fact]
    public void Tokenizer_matches_hugging_face_ids()
    {
        var ids = fixture.Tokenizer.Encode("A man is eating food.");
        Assert.Equal(new[] { 101, 1037, 2158, 2003, 5983, 2833, 1012, 102 }, ids);
    }

    [Fact]
    public void Last_hidden_state_matches_onnx_runtime_on_a_padded_batch()
    {
        using var batch = fixture.Tokenizer.EncodeBatch(Sentences, 128);
        Assert.True(batch.AttentionMask.sum().item<long>() < batch.Count * batch.Length, "the batch must contain padding");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ours = fixture.Model.forward(batch.InputIds, batch.AttentionMask).data<float>().ToArray();
        var reference = RunOnnxRuntime(batch);

        Assert.Equal(reference.Length, ours.Length);
        double maxAbs = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(ours[i] - reference[i]));
        }

        output.WriteLine(FormattableString.Invariant($"max |TorchSharp - ORT| over {ours.Length} values of last_hidden_state (padded batch, B = {batch.Count}, L = {batch.Length}): {maxAbs:E3}"));
        Assert.True(maxAbs < Tolerance.PretrainedParityMaxAbs, FormattableString.Invariant($"max abs difference {maxAbs:E3} >= {Tolerance.PretrainedParityMaxAbs:E1}"));
    }

    [Fact]
    public void Skipping_the_padding_keeps_every_real_token_state()
    {
        using var batch = fixture.Tokenizer.EncodeBatch(Sentences, 128);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var real = batch.AttentionMask.ne(0).unsqueeze(-1);
        var padded = fixture.Model.forward(batch.InputIds, batch.AttentionMask) * real;
        var skipped = fixture.Model.Forward(batch.InputIds, batch.AttentionMask, skipPadding: true);
        double maxAbs = (skipped - padded).abs().max().item<float>();
        output.WriteLine(FormattableString.Invariant($"max |skipped - padded| over the real tokens (B = {batch.Count}, L = {batch.Length}, {batch.AttentionMask.sum().item<long>()} real): {maxAbs:E3}"));
        Assert.True(maxAbs < Tolerance.PretrainedParityMaxAbs, FormattableString.Invariant($"max abs difference {maxAbs:E3} >= {Tolerance.PretrainedParityMaxAbs:E1}"));
    }

    [Fact]
    public void Sentence_embedding_cosine_matches_the_published_value()
    {
        using var batch = fixture.Tokenizer.EncodeBatch(Sentences[..2], 128);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var hidden = fixture.Model.forward(batch.InputIds, batch.AttentionMask);
        var mask = batch.AttentionMask.to_type(ScalarType.Float32).unsqueeze(-1);
        var pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9);
        var normalized = nn.functional.normalize(pooled, p: 2, dim: 1);
        double cosine = (normalized[0] * normalized[1]).sum().item<float>();
        output.WriteLine(FormattableString.Invariant($"cos(\"{Sentences[0]}\", \"{Sentences[1]}\") = {cosine:F4}"));
        Assert.InRange(cosine, 0.750, 0.760);
    }

    private float[] RunOnnxRuntime(TokenBatch batch)
    {
        int b = (int)batch.Count, l = (int)batch.Length;
        var ids = new DenseTensor<long>(batch.InputIds.data<long>().ToArray(), [b, l]);
        var mask = new DenseTensor<long>(batch.AttentionMask.data<long>().ToArray(), [b, l]);
        var types = new DenseTensor<long>(new long[b * l], [b, l]);
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(fixture.Onnx, options);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        return results.First().AsEnumerable<float>().ToArray();
    }
}
