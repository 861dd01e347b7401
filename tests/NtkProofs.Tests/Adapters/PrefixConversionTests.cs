using NtkProofs.Adapters;
using NtkProofs.Tests.Support;
using NtkProofs.Transformers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>
/// The closed-form conversion of a P-Tuning v2 prefix into NTK-Attention (<see cref="PrefixConversion"/>): with the feature
/// kernel in place of exp the converted layer is the prefix layer exactly (identity I1), with Taylor features of growing
/// degree it approaches the prefix layer, and a low-rank or softplus adapter takes the best representable state.
/// </summary>
public sealed class PrefixConversionTests(ITestOutputHelper output)
{
    /// <summary>A tiny P-Tuning v2 prefix (m = 5) with its keys and values scaled by <paramref name="scale"/>.</summary>
    private static PrefixTuningAdapter Prefix(double scale, long seed = 11)
    {
        manual_seed(seed);
        var prefix = new PrefixTuningAdapter(new PrefixTuningAdapterConfig(NumVirtualTokens: 5), TinyModels.Config());
        using (no_grad())
        {
            foreach (var (_, p) in prefix.named_parameters())
            {
                p.mul_(scale);
            }
        }

        prefix.eval();
        return prefix;
    }

    /// <summary>Q, K, V [2, 4, 5, 4] (the tiny shape) with the last two keys of the second sentence padded.</summary>
    private static AttentionInputs Inputs(double scale)
    {
        manual_seed(31);
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, false, false }).view(2, 5);
        return new AttentionInputs(randn(2, 4, 5, 4) * scale, randn(2, 4, 5, 4) * scale, randn(2, 4, 5, 4), mask, 0, 0.0);
    }

    private static NtkAttentionAdapter Converted(NtkAttentionAdapterConfig config, PrefixTuningAdapter prefix)
    {
        var adapter = new NtkAttentionAdapter(config, TinyModels.Config());
        PrefixConversion.Initialize(adapter, prefix);
        return adapter;
    }

    [Fact]
    public void With_the_feature_kernel_in_place_of_exp_the_converted_layer_is_the_prefix_layer_exactly()
    {
        using var prefix = Prefix(1.0);
        using var ntk = Converted(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 16, FeatureSeed: 3), prefix);
        using var scope = NewDisposeScope();
        var inputs = Inputs(1.0);
        var layer = ntk.Layers[1];
        var actual = layer.Attend(inputs with { LayerIndex = 1 });

        // Prefix attention with exp(<q, k_i> / sqrt d) replaced by phi(q)^T phi(k_i), written out: Part B's identity I1.
        var kv = prefix.Encoder.LayerKeyValues(1).detach();
        var phi = layer.FeatureMap;
        var q = inputs.Query;
        var own = exp(q.matmul(inputs.Key.transpose(-1, -2)) / 2.0) * inputs.KeyMask.view(2, 1, 1, 5).to(ScalarType.Float32);
        var phiQ = phi.Apply(q);
        var phiK = phi.Apply(kv[0]);
        var prefixWeights = phiQ.matmul(phiK.transpose(-1, -2).unsqueeze(0));
        var numerator = own.matmul(inputs.Value) + prefixWeights.matmul(kv[1].unsqueeze(0));
        var expected = numerator / (own.sum(-1, keepdim: true) + prefixWeights.sum(-1, keepdim: true));
        double gap = (actual - expected).abs().max().item<float>();
        output.WriteLine($"max |converted - prefix attention under phi's kernel| = {gap:G3}");
        Assert.True(gap < 1e-5, $"gap {gap}");
    }

    [Fact]
    public void With_Taylor_features_of_growing_degree_the_converted_layer_approaches_the_prefix_layer()
    {
        using var prefix = Prefix(0.5);
        using var scope = NewDisposeScope();
        var inputs = Inputs(0.5);
        var hook = (PrefixLayerAdapter)prefix.LayerHooks[0]!;
        var exact = hook.Attend(inputs);
        var gaps = new List<double>();
        foreach (int g in new[] { 0, 2, 4, 8 })
        {
            using var ntk = Converted(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: g, KParameterization: KParameterization.Signed), prefix);
            double gap = (ntk.Layers[0].Attend(inputs) - exact).abs().max().item<float>();
            output.WriteLine($"taylor:{g}: max |converted - prefix| = {gap:G3}");
            gaps.Add(gap);
        }

        Assert.True(gaps[0] > 1e-3, $"degree 0 should be visibly off, gap {gaps[0]}");
        Assert.All(gaps.Zip(gaps.Skip(1)), p => Assert.True(p.Second < p.First, $"error did not shrink: {p.First} -> {p.Second}"));
        Assert.True(gaps[^1] < 1e-5, $"taylor:8 gap {gaps[^1]}");
    }

    [Fact]
    public void Positive_random_features_approach_the_prefix_layer_as_r_grows_at_small_logits()
    {
        using var prefix = Prefix(0.3);
        using var scope = NewDisposeScope();
        var inputs = Inputs(0.3);
        var exact = ((PrefixLayerAdapter)prefix.LayerHooks[0]!).Attend(inputs);
        double Gap(int r)
        {
            using var ntk = Converted(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: r, FeatureSeed: 7), prefix);
            return (ntk.Layers[0].Attend(inputs) - exact).abs().max().item<float>();
        }

        double small = Gap(4), large = Gap(16384);
        output.WriteLine($"prf:4 gap {small:G3}, prf:16384 gap {large:G3}");
        Assert.True(large < small / 4, $"prf:16384 gap {large} not well below prf:4 gap {small}");
        Assert.True(large < 0.02, $"prf:16384 gap {large}");
    }

    [Fact]
    public void A_low_rank_Z_gets_the_best_rank_s_approximation_of_Z_P_and_softplus_k_is_k_P()
    {
        using var prefix = Prefix(1.0);
        using var full = Converted(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1), prefix);
        using var lowRank = Converted(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1, Rank: 1, KParameterization: KParameterization.Softplus), prefix);
        using var scope = NewDisposeScope();
        var z = full.Layers[0].EffectiveZ().detach().to(ScalarType.Float64);
        var sigma = linalg.svdvals(z);
        double tail = sigma.narrow(1, 1, sigma.shape[1] - 1).square().sum(1).sqrt().max().item<double>();
        double gap = (lowRank.Layers[0].EffectiveZ().to(ScalarType.Float64) - z).square().sum([1, 2]).sqrt().max().item<double>();
        Assert.True(Math.Abs(gap - tail) < 1e-4 * Math.Max(1, tail), $"|Z - Z_1| = {gap}, Eckart-Young tail {tail}");
        double kGap = (lowRank.Layers[0].EffectiveK() - full.Layers[0].EffectiveK()).abs().max().item<float>();
        Assert.True(kGap < 1e-4, $"softplus k differs from k(P) by {kGap}");
    }

    [Fact]
    public void An_abs_k_refuses_the_signed_k_P_of_Taylor_features_with_a_clear_error()
    {
        using var prefix = Prefix(1.0);
        using var ntk = new NtkAttentionAdapter(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: 2), TinyModels.Config());
        var error = Assert.Throws<ArgumentException>(() => PrefixConversion.Initialize(ntk, prefix));
        Assert.Contains("negative entry", error.Message);
    }

    [Fact]
    public void A_prefix_of_another_encoder_shape_is_refused()
    {
        using var prefix = Prefix(1.0);
        using var ntk = new NtkAttentionAdapter(new NtkAttentionAdapterConfig(), TinyModels.Config() with { NumLayers = 3 });
        var error = Assert.Throws<ArgumentException>(() => PrefixConversion.Initialize(ntk, prefix));
        Assert.Contains("was built for", error.Message);
    }
}
