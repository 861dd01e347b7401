using NtkProofs.Adapters;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using NtkProofs.Tokenization;
using NtkProofs.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Transformers;

/// <summary>Skipping the padding in the per-token blocks: the same logits and gradients as the padded computation.</summary>
public sealed class TokenLayoutTests
{
    [Fact]
    public void Pack_keeps_the_real_rows_and_unpack_puts_them_back_with_zeros_at_the_padding()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, true, false, true, false, false }).view(2, 3);
        var x = arange(2 * 3 * 2, ScalarType.Float64).view(2, 3, 2) + 1;
        using var layout = TokenLayout.Of(mask)!;
        Assert.Equal(3, layout.Tokens);
        var packed = layout.Pack(x);
        Assert.Equal(new double[] { 1, 2, 3, 4, 7, 8 }, packed.data<double>().ToArray());
        var back = layout.Unpack(packed);
        Assert.Equal(new double[] { 1, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 0 }, back.data<double>().ToArray());
        Assert.Equal(new long[] { 2, 3, 2 }, back.shape);
    }

    [Fact]
    public void No_padding_gives_no_layout_and_bad_shapes_get_clear_errors()
    {
        using var scope = NewDisposeScope();
        Assert.Null(TokenLayout.Of(ones(2, 3, dtype: ScalarType.Bool)));
        Assert.Contains("bool [B, L]", Assert.Throws<ArgumentException>(() => TokenLayout.Of(ones(2, 3))).Message, StringComparison.Ordinal);
        using var layout = TokenLayout.Of(tensor(new[] { true, false }).view(1, 2))!;
        Assert.Contains("expected [1, 2, D]", Assert.Throws<ArgumentException>(() => layout.Pack(zeros(2, 2, 4))).Message, StringComparison.Ordinal);
        Assert.Contains("expected [1, D]", Assert.Throws<ArgumentException>(() => layout.Unpack(zeros(2, 4))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TinyModels.TrainableMethodsJson), MemberType = typeof(TinyModels))]
    public void Skipping_the_padding_gives_the_padded_logits_and_gradients_in_float64_with_the_same_dropout_masks(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        using var model = TinyModels.Classifier(config, dropout: 0.1);
        model.to(ScalarType.Float64);
        using var batch = TinyModels.Batch();
        Assert.True(batch.AttentionMask.eq(0).any().item<bool>(), "the test batch must have padding");
        var labels = tensor(TinyModels.Labels.Select(l => (long)l).ToArray());

        (double[] Logits, double[] Gradients) Run(bool skip)
        {
            using var scope = NewDisposeScope();
            model.SkipsPadding = skip;
            model.train();
            model.zero_grad();
            manual_seed(7);
            var logits = model.forward(batch.InputIds, batch.AttentionMask);
            nn.functional.cross_entropy(logits, labels).backward();
            var gradients = model.TrainableParameters().SelectMany(p => p.Parameter.grad!.reshape(-1).data<double>().ToArray()).ToArray();
            return (logits.detach().reshape(-1).data<double>().ToArray(), gradients);
        }

        var padded = Run(skip: false);
        var skipped = Run(skip: true);
        var logitsCheck = Tolerance.Float64.Compare(skipped.Logits, padded.Logits);
        Assert.True(logitsCheck.Passed, $"logits: {logitsCheck}");
        var gradientCheck = Tolerance.Float64.Compare(skipped.Gradients, padded.Gradients);
        Assert.True(gradientCheck.Passed, $"gradients: {gradientCheck}");
        Assert.Contains(padded.Gradients, g => g != 0);
    }

    [Fact]
    public void Real_token_states_agree_and_padding_states_are_zero_when_skipped()
    {
        using var scope = NewDisposeScope();
        using var bert = TinyModels.Base(11);
        bert.to(ScalarType.Float64);
        bert.eval();
        using var batch = TinyModels.Batch();
        using var noGrad = no_grad();
        var padded = bert.forward(batch.InputIds, batch.AttentionMask);
        var skipped = bert.Forward(batch.InputIds, batch.AttentionMask, skipPadding: true);
        var real = batch.AttentionMask.ne(0).unsqueeze(-1);
        var check = Tolerance.Float64.Compare(
            (skipped * real).reshape(-1).data<double>().ToArray(),
            (padded * real).reshape(-1).data<double>().ToArray());
        Assert.True(check.Passed, check.ToString());
        Assert.Equal(0.0, skipped.masked_select(real.logical_not().expand_as(skipped)).abs().max().item<double>());
    }

    [Fact]
    public void A_batch_without_padding_gives_the_same_bits_either_way()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var batch = TokenBatch.FromSequences([[1, 9, 17, 2], [1, 33, 40, 2]], padId: 0);
        model.SkipsPadding = false;
        var padded = TinyModels.EvalLogits(model, batch);
        model.SkipsPadding = true;
        var skipped = TinyModels.EvalLogits(model, batch);
        Assert.Equal(padded.data<float>().ToArray(), skipped.data<float>().ToArray());
    }
}
