using NtkProofs.Attention;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The closed-form conversion of a trained P-Tuning v2 prefix into NTK-Attention (THEORY.md Part B, issue 10): per layer
/// and head, Z(P) = sum_i phi(k_i) v_i^T and k(P) = sum_i phi(k_i) over the prefix keys k_i and values v_i
/// (<see cref="PrefixAccumulator.Compute"/>, with the target layer's own phi). The prefix keys enter BERT attention like the
/// input keys, through exp(&lt;q, k_i&gt; / sqrt d_h) (<see cref="PrefixLayerAdapter"/> concatenates them before
/// <c>ScaledDotProductAttention</c>), and every feature map here already carries that scale (phi(q) uses q / d^{1/4}), so
/// the keys are used as stored: with phi(q)^T phi(k_i) = exp(&lt;q, k_i&gt; / sqrt d_h) the converted layer computes the
/// prefix layer exactly (identity I1 of Part B); with a real feature map it does so up to that kernel's error.
/// </summary>
public static class PrefixConversion
{
    /// <summary>
    /// The closed form of layer <paramref name="layer"/>: (Z(P) [H, r, d_h], k(P) [H, r]) with phi of
    /// <paramref name="target"/>'s layer, in float64 for accuracy. The caller owns (and disposes) the tensors.
    /// </summary>
    /// <param name="prefix">The trained prefix adapter.</param>
    /// <param name="target">The NTK-Attention adapter whose feature maps are used.</param>
    /// <param name="layer">The layer index.</param>
    public static (Tensor Z, Tensor K) ClosedForm(PrefixTuningAdapter prefix, NtkAttentionAdapter target, int layer)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(target);
        RequireCompatible(prefix, target);
        if (layer < 0 || layer >= target.Layers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer index must be in [0, {target.Layers.Count})");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var kv = prefix.Encoder.LayerKeyValues(layer).detach().to(ScalarType.Float64, CPU);
        var (z, k) = PrefixAccumulator.Compute(target.Layers[layer].FeatureMap, kv[0], kv[1]);
        return (z.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Initializes every layer of <paramref name="target"/> from <paramref name="prefix"/>'s closed form
    /// (<see cref="NtkAttentionLayerAdapter.InitializeFrom"/>: a low-rank Z gets the best rank-s approximation of Z(P)).
    /// </summary>
    /// <param name="target">The NTK-Attention adapter (its parameters are overwritten).</param>
    /// <param name="prefix">The trained prefix adapter (read only).</param>
    public static void Initialize(NtkAttentionAdapter target, PrefixTuningAdapter prefix)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(prefix);
        RequireCompatible(prefix, target);
        for (int i = 0; i < target.Layers.Count; i++)
        {
            var (z, k) = ClosedForm(prefix, target, i);
            using (z)
            using (k)
            {
                target.Layers[i].InitializeFrom(z, k);
            }
        }
    }

    private static void RequireCompatible(PrefixTuningAdapter prefix, NtkAttentionAdapter target)
    {
        if (prefix.BaseConfig != target.BaseConfig)
        {
            throw new ArgumentException($"the prefix was built for {prefix.BaseConfig} but the NTK-Attention adapter for {target.BaseConfig}", nameof(target));
        }

        if (prefix.Encoder.Length < 1)
        {
            throw new ArgumentException("the prefix has length m = 0: there is nothing to convert", nameof(prefix));
        }
    }
}
