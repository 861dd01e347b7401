using NtkProofs.Adapters;
using NtkProofs.Tests.Support;
using NtkProofs.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>PEFT's no-op-at-init invariants and the prefix-attention equivalence.</summary>
public sealed class AdapterIdentityTests
{
    [Fact]
    public void Lora_with_B_zero_leaves_the_base_outputs_bit_identical()
    {
        using var batch = TinyModels.Batch();
        using var scope = NewDisposeScope();
        var plain = Hidden(null, batch);
        var lora = Hidden(new LoraAdapterConfig(Rank: 4, Alpha: 8, Dropout: 0.0), batch);
        Assert.True(TensorAssert.Identical(plain, lora), "LoRA with B = 0 must not change last_hidden_state");
    }

    [Fact]
    public void A_length_zero_prefix_leaves_the_base_outputs_bit_identical()
    {
        using var batch = TinyModels.Batch();
        using var scope = NewDisposeScope();
        var plain = Hidden(null, batch);
        var prefix = Hidden(new PrefixTuningAdapterConfig(NumVirtualTokens: 0), batch);
        Assert.True(TensorAssert.Identical(plain, prefix), "a prefix of length 0 must not change last_hidden_state");
    }

    [Fact]
    public void Head_only_and_full_fine_tuning_install_no_hooks()
    {
        using var batch = TinyModels.Batch();
        using var scope = NewDisposeScope();
        var plain = Hidden(null, batch);
        Assert.True(TensorAssert.Identical(plain, Hidden(new HeadOnlyConfig(), batch)));
        Assert.True(TensorAssert.Identical(plain, Hidden(new FullFineTuningConfig(), batch)));
    }

    [Fact]
    public void Prefix_attention_equals_attention_over_prefix_tokens_restricted_to_the_input_queries()
    {
        // A prefix whose keys and values are K_P = P W_K + b_K and V_P = P W_V + b_V must give exactly the outputs that plain
        // self-attention over [P; X] gives at the positions of X (queries come from X only; padding of X stays masked).
        var config = TinyModels.Config();
        int m = 3;
        manual_seed(11);
        using var attention = new BertSelfAttention(config, 0);
        attention.to(ScalarType.Float64).eval();
        manual_seed(12);
        using var adapter = new PrefixTuningAdapter(new PrefixTuningAdapterConfig(m), config);
        adapter.to(ScalarType.Float64).eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 5, config.HiddenSize, dtype: ScalarType.Float64);
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, false, false }).view(2, 5);
        var p = randn(m, config.HiddenSize, dtype: ScalarType.Float64);

        var full = cat([p.unsqueeze(0).expand(2, -1, -1), x], 1);
        var fullMask = cat([ones(2, m, dtype: ScalarType.Bool), mask], 1);
        var expected = attention.forward(full, fullMask).narrow(1, m, 5);

        var weight = adapter.named_parameters().Single(q => q.name == "prefix_encoder.embedding.weight").parameter;
        int d = config.HiddenSize;
        weight.narrow(1, 0, d).copy_(attention.Key.forward(p));
        weight.narrow(1, d, d).copy_(attention.Value.forward(p));
        attention.SetAdapter(adapter.LayerHooks[0]);
        var actual = attention.forward(x, mask);

        var comparison = NtkProofs.Numerics.Tolerance.Float64.Compare(actual.data<double>().ToArray(), expected.contiguous().data<double>().ToArray());
        Assert.True(comparison.Passed, comparison.ToString());
    }

    [Fact]
    public void Padding_tokens_do_not_influence_real_token_outputs()
    {
        // Changing the ids under padding must leave every real position's output unchanged, for every method's hook.
        foreach (var config in TinyModels.TrainableMethods())
        {
            using var model = TinyModels.Classifier(config);
            using var batch = TinyModels.Batch();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            var ids = batch.InputIds.clone();
            var padded = batch.AttentionMask.eq(0);
            var other = ids.masked_fill(padded, 77);
            var a = model.Bert.forward(ids, batch.AttentionMask);
            var b = model.Bert.forward(other, batch.AttentionMask);
            var real = batch.AttentionMask.ne(0).unsqueeze(-1).expand_as(a);
            Assert.True(TensorAssert.Identical(a.masked_select(real), b.masked_select(real)), $"padding leaked into real tokens with {config.Method}");
        }
    }

    private static Tensor Hidden(AdapterConfig? config, NtkProofs.Tokenization.TokenBatch batch)
    {
        using var model = TinyModels.Classifier(config ?? new HeadOnlyConfig());
        if (config is null)
        {
            model.Bert.SetAdapters(new IAttentionAdapter?[model.Bert.Config.NumLayers]);
        }

        model.eval();
        using var noGrad = no_grad();
        return model.Bert.forward(batch.InputIds, batch.AttentionMask).detach().MoveToOuterDisposeScope();
    }
}
