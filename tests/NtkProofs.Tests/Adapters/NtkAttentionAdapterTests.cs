using NtkProofs.Adapters;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.FineTuning;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using NtkProofs.Transformers;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>
/// The NTK-Attention adapter (THEORY.md Part C): its forward pass is NtkAttention on the layer's Q, K, V and padding mask,
/// it starts near the identity by the amount k's init sets, k stays >= 0 and moves (unlike the released scripts' |k| at 0),
/// no dropout acts on phi(Q), positive random features are reproducible from the configuration, and a prefix-built state is
/// the closed form Z(P), k(P).
/// </summary>
public sealed class NtkAttentionAdapterTests(ITestOutputHelper output)
{
    public static TheoryData<string> NtkMethods()
    {
        var data = new TheoryData<string>();
        foreach (var c in TinyModels.NtkMethods())
        {
            data.Add(AdapterConfigJson.Serialize(c));
        }

        return data;
    }

    /// <summary>Random float Q, K, V [2, 4, 5, 4] (the tiny shape) with the last two keys of the second sentence padded.</summary>
    private static AttentionInputs RandomInputs(ScalarType dtype, double dropout = 0.0)
    {
        manual_seed(31);
        var q = randn(2, 4, 5, 4, dtype: dtype);
        var k = randn(2, 4, 5, 4, dtype: dtype);
        var v = randn(2, 4, 5, 4, dtype: dtype);
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, false, false }).view(2, 5);
        return new AttentionInputs(q, k, v, mask, 0, dropout);
    }

    [Fact]
    public void Attend_is_NtkAttention_on_the_layer_inputs_under_the_padding_mask()
    {
        using var layer = new NtkAttentionLayerAdapter(new NtkAttentionAdapterConfig(), TinyModels.Config());
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            manual_seed(5);
            foreach (var (_, p) in layer.named_parameters())
            {
                p.copy_(rand_like(p));
            }
        }

        var inputs = RandomInputs(ScalarType.Float32);
        var actual = layer.Attend(inputs);
        var expected = NtkAttention.Forward(inputs.Query, inputs.Key, inputs.Value, layer.FeatureMap, layer.EffectiveZ(), layer.EffectiveK(), false, KeyMask.Keep(inputs.KeyMask));
        Assert.True(TensorAssert.Identical(actual, expected), "Attend must be NtkAttention.Forward with the layer's Z, k and phi");

        // Values and keys under padding do not matter.
        var padded = inputs.KeyMask.logical_not().view(2, 1, 5, 1);
        var other = inputs with { Key = inputs.Key.masked_fill(padded, 9), Value = inputs.Value.masked_fill(padded, -9) };
        Assert.True(TensorAssert.Identical(actual, layer.Attend(other)), "padded keys leaked into the output");
    }

    [Theory]
    [MemberData(nameof(NtkMethods))]
    public void At_init_every_attention_row_is_the_base_row_scaled_by_S_over_S_plus_phi_q_k(string json)
    {
        // With Z = 0 row i is the base row times S_i / (S_i + w_i), w_i = phi(q_i) k: it changes by at most rho / (1 - rho)
        // of its size, rho = max |w_i| / S_i, and rho is proportional to k's init.
        var config = (NtkAttentionAdapterConfig)AdapterConfigJson.Deserialize(json);
        using var scope = NewDisposeScope();
        var inputs = RandomInputs(ScalarType.Float64);
        var plain = ScaledDotProductAttention.Compute(inputs.Query, inputs.Key, inputs.Value, inputs.KeyMask, 0.0);
        double rho = 0;
        foreach (double kInit in new[] { 1e-3, 1e-2 })
        {
            using var layer = new NtkAttentionLayerAdapter(config with { KInit = kInit }, TinyModels.Config());
            layer.to(ScalarType.Float64);
            var ntk = layer.Attend(inputs);
            double ratio = NtkNearIdentity.PrefixWeightRatio(inputs, layer);
            double bound = NtkNearIdentity.RowChangeBound(ratio);
            double change = ((ntk - plain).norm(dim: -1) / plain.norm(dim: -1)).max().item<double>();
            output.WriteLine($"{config.FeatureMap}, s = {config.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "full"}, k_0 = {kInit}: rho {ratio:E3}, largest relative row change {change:E3}, bound {bound:E3}");
            Assert.InRange(ratio, 1e-6, 0.5);
            Assert.True(change <= bound || Tolerance.Float64.Accepts(change, bound), $"row change {change} exceeds rho / (1 - rho) = {bound}");
            Assert.True(change > 0, "k > 0 must make the prefix term visible");
            if (rho > 0)
            {
                Assert.True(Tolerance.Float32.Accepts(ratio, 10 * rho), $"rho must scale with k's init (stored in float32): {ratio} vs 10 x {rho}");
            }

            rho = ratio;
        }
    }

    [Theory]
    [MemberData(nameof(NtkMethods))]
    public void A_fresh_adapter_moves_the_tiny_encoder_by_less_than_the_budget_of_k_init(string json)
    {
        var config = (NtkAttentionAdapterConfig)AdapterConfigJson.Deserialize(json);
        using var bert = TinyModels.Base(1);
        manual_seed(2);
        using var adapter = new NtkAttentionAdapter(config, bert.Config);
        using var batch = TinyModels.Batch();
        using var scope = NewDisposeScope();
        var (plain, adapted, ratios) = RatioRecordingHook.Compare(bert, adapter, batch.InputIds, batch.AttentionMask);
        double budget = ratios.Sum(NtkNearIdentity.RowChangeBound);
        var real = batch.AttentionMask.ne(0).unsqueeze(-1).expand_as(plain);
        var comparison = TensorAssert.Close(adapted.masked_select(real), plain.masked_select(real), Tolerance.NtkInitialChange(budget), output, $"{config.FeatureMap} (rho per layer {string.Join(", ", ratios.Select(r => r.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))})");
        Assert.True(comparison.RelativeFrobenius > 0, "the fresh adapter must not be an exact no-op (k > 0)");
    }

    [Theory]
    [InlineData(KParameterization.Abs)]
    [InlineData(KParameterization.Softplus)]
    public void K_gets_a_gradient_at_init_stays_nonnegative_and_moves_during_training(KParameterization parameterization)
    {
        const double KInit = 1e-3;
        using var model = TinyModels.Classifier(new NtkAttentionAdapterConfig(KParameterization: parameterization, KInit: KInit), dropout: 0.1);
        var layers = ((NtkAttentionAdapter)model.Adapter).Layers;
        using var batch = TinyModels.Batch();
        using (var scope = NewDisposeScope())
        {
            model.train();
            var loss = nn.functional.cross_entropy(model.forward(batch.InputIds, batch.AttentionMask), tensor(TinyModels.Labels.Select(l => (long)l).ToArray()));
            loss.backward();
            foreach (var layer in layers)
            {
                var grad = layer.named_parameters().Single(p => p.name == "k").parameter.grad;
                Assert.True(grad is not null && grad.abs().max().item<float>() > 0, $"layer {layer.LayerIndex}: k got no gradient at init (the released |k| at 0 defect)");
            }

            model.zero_grad();
        }

        using (var trainer = new ClassificationTrainer(model, 1e-2, 0.01, totalSteps: 5))
        {
            for (int i = 0; i < 5; i++)
            {
                trainer.Step(batch, TinyModels.Labels);
            }
        }

        foreach (var layer in layers)
        {
            using var k = layer.EffectiveK();
            double min = k.min().item<float>(), moved = (k - KInit).abs().max().item<float>();
            output.WriteLine($"{parameterization} layer {layer.LayerIndex}: min k {min:E3}, largest move from k_0 {moved:E3}");
            Assert.True(min >= 0, $"k went negative: {min}");
            // |kappa| moves additively (Adam steps of about lr); softplus(kappa) near 0 moves multiplicatively, k' = k e^(delta kappa).
            double required = parameterization == KParameterization.Abs ? KInit : 0.01 * KInit;
            Assert.True(moved >= required, $"k barely moved from its init {KInit}: {moved} < {required}");
        }
    }

    [Fact]
    public void Abs_at_exactly_zero_gets_no_gradient_which_is_why_k_init_must_be_positive()
    {
        using var kappa = zeros(3, requires_grad: true);
        kappa.abs().sum().backward();
        Assert.Equal(0f, kappa.grad!.abs().max().item<float>());
        Assert.Throws<ArgumentException>(() => new NtkAttentionAdapterConfig(KInit: 0).Validated());
    }

    [Fact]
    public void No_dropout_acts_on_phi_Q_or_the_weights_in_training_or_evaluation()
    {
        using var layer = new NtkAttentionLayerAdapter(new NtkAttentionAdapterConfig(KInit: 0.5), TinyModels.Config());
        using var scope = NewDisposeScope();
        var inputs = RandomInputs(ScalarType.Float32, dropout: 0.5);
        layer.train();
        var training = layer.Attend(inputs);
        layer.eval();
        var evaluation = layer.Attend(inputs);
        Assert.True(TensorAssert.Identical(training, evaluation));
        Assert.True(TensorAssert.Identical(evaluation, layer.Attend(inputs)));
    }

    [Fact]
    public void Positive_random_features_are_rebuilt_from_the_seed_in_the_configuration()
    {
        var config = new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 8, FeatureSeed: 5);
        var tiny = TinyModels.Config();
        manual_seed(1);
        using var a = new NtkAttentionAdapter(config, tiny);
        manual_seed(2);
        using var b = new NtkAttentionAdapter(config, tiny);
        using var c = new NtkAttentionAdapter(config with { FeatureSeed = 6 }, tiny);
        using var scope = NewDisposeScope();
        Tensor Omega(NtkAttentionAdapter adapter, int layer) => ((PositiveRandomFeatureMap)adapter.Layers[layer].FeatureMap).Omega(ScalarType.Float64, CPU);
        Assert.True(TensorAssert.Identical(Omega(a, 0), Omega(b, 0)), "the same feature_seed must give the same Omega, whatever the global generator");
        Assert.True(TensorAssert.Identical(Omega(a, 1), Omega(b, 1)));
        Assert.False(TensorAssert.Identical(Omega(a, 0), Omega(a, 1)), "layers draw independent matrices");
        Assert.False(TensorAssert.Identical(Omega(a, 0), Omega(c, 0)), "another feature_seed must give another Omega");

        // A training run's positive random features come from its training seed.
        var run = new FineTuneConfig { Adapter = new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 32), Seed = 9 };
        Assert.Equal(9, ((NtkAttentionAdapterConfig)run.ToAdapterConfig()).FeatureSeed);
        Assert.Null(((NtkAttentionAdapterConfig)(run with { Adapter = new NtkAttentionAdapterConfig() }).ToAdapterConfig()).FeatureSeed);
    }

    [Fact]
    public void Training_refuses_a_signed_k()
    {
        var run = new FineTuneConfig { Adapter = new NtkAttentionAdapterConfig(KParameterization: KParameterization.Signed) };
        var e = Assert.Throws<ArgumentException>(() => run.Validated());
        Assert.Contains("a trained k must stay >= 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_built_adapter_holds_the_closed_form_of_the_prefix_tokens_through_each_layer()
    {
        using var bert = TinyModels.Base(1);
        manual_seed(8);
        using var tokens = randn(5, bert.Config.HiddenSize);
        using var adapter = NtkPrefixAdapter.FromTokens(bert, tokens);
        using var scope = NewDisposeScope();
        Assert.Equal(NtkPrefixAdapter.Config(), adapter.Config);
        Assert.NotNull(adapter.PrefixSource);
        foreach (var layer in adapter.Layers)
        {
            var self = bert.Layers[layer.LayerIndex].Attention.Self;
            var keys = self.Key.forward(tokens).view(5, 4, 4).transpose(0, 1);
            var values = self.Value.forward(tokens).view(5, 4, 4).transpose(0, 1);
            Assert.True(TensorAssert.Identical(keys.contiguous(), adapter.PrefixSource!.Keys(layer.LayerIndex)), "K_P = P W_K + b_K per layer");
            Assert.True(TensorAssert.Identical(values.contiguous(), adapter.PrefixSource.Values(layer.LayerIndex)), "V_P = P W_V + b_V per layer");
            var (z, k) = PrefixAccumulator.Compute(layer.FeatureMap, keys, values);
            Assert.True(TensorAssert.Identical(z, layer.EffectiveZ()), "Z = Z(P)");
            Assert.True(TensorAssert.Identical(k, layer.EffectiveK()), "k = k(P), signed");
        }

        Assert.Throws<InvalidOperationException>(() => new NtkAttentionLayerAdapter(new NtkAttentionAdapterConfig(), bert.Config).SetState(zeros(4, 4, 4), zeros(4, 4)));
    }
}
