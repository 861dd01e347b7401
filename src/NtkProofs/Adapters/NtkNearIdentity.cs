using NtkProofs.FeatureMaps;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// How far a freshly initialised NTK-Attention adapter moves a layer's attention. With Z = 0 (full Z, or Z_B = 0), row i of
/// NTK-Attention is row i of the base model's attention scaled by S_i / (S_i + w_i), where w_i = phi(q_i) k is the prefix
/// denominator term and S_i = sum over the visible keys of exp(&lt;q_i, k_j&gt; / sqrt d) the row sum. So with
/// rho = max_i |w_i| / S_i &lt; 1 every context row changes by at most rho / (1 - rho) of its size, and the context by at most
/// rho / (1 - rho) max |v| in the max norm. rho is proportional to k's init: k = k_0 1 gives w_i = k_0 sum_r phi_r(q_i).
/// </summary>
public static class NtkNearIdentity
{
    /// <summary>rho = max over batch, heads and query rows of |phi(q_i) k| / S_i, in float64.</summary>
    /// <param name="inputs">Q, K [B, H, L, d_h] and the padding mask bool [B, L] (true = real token).</param>
    /// <param name="featureMap">phi.</param>
    /// <param name="k">k, [H, r].</param>
    public static double PrefixWeightRatio(AttentionInputs inputs, IFeatureMap featureMap, Tensor k)
    {
        ArgumentNullException.ThrowIfNull(inputs.Query);
        ArgumentNullException.ThrowIfNull(inputs.Key);
        ArgumentNullException.ThrowIfNull(inputs.KeyMask);
        ArgumentNullException.ThrowIfNull(featureMap);
        ArgumentNullException.ThrowIfNull(k);
        long b = inputs.Batch, h = inputs.Heads, l = inputs.Length, d = inputs.HeadDim, lk = inputs.Key.shape[2];
        if (inputs.Key.dim() != 4 || inputs.Key.shape[0] != b || inputs.Key.shape[1] != h || inputs.Key.shape[3] != d
            || !inputs.KeyMask.shape.SequenceEqual([b, lk]) || featureMap.InputDim != d || !k.shape.SequenceEqual([h, featureMap.R]))
        {
            throw new ArgumentException($"expected Q [B, H, L, d], K [B, H, Lk, d], mask [B, Lk], phi for d and k [H, r]; got Q [{string.Join(", ", inputs.Query.shape)}], K [{string.Join(", ", inputs.Key.shape)}], mask [{string.Join(", ", inputs.KeyMask.shape)}], phi {featureMap.Name} (d = {featureMap.InputDim}, r = {featureMap.R}), k [{string.Join(", ", k.shape)}] (dimension mismatch)", nameof(inputs));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var q = inputs.Query.detach().to(ScalarType.Float64);
        var keys = inputs.Key.detach().to(ScalarType.Float64);
        var scores = q.reshape(b * h, l, d).bmm(keys.reshape(b * h, lk, d).transpose(1, 2)).mul(1.0 / Math.Sqrt(d)).view(b, h, l, lk);
        scores = scores.masked_fill(inputs.KeyMask.logical_not().view(b, 1, 1, lk), double.NegativeInfinity);
        var logRowSum = scores.logsumexp(-1);
        var features = featureMap.Apply(q).transpose(0, 1).reshape(h, b * l, featureMap.R);
        var weight = features.bmm(k.detach().to(ScalarType.Float64).unsqueeze(2)).view(h, b, l).transpose(0, 1);
        return (weight.abs().log() - logRowSum).max().exp().item<double>();
    }

    /// <summary>rho of one layer adapter's current k and feature map (see <see cref="PrefixWeightRatio(AttentionInputs, IFeatureMap, Tensor)"/>).</summary>
    /// <param name="inputs">The layer's Q, K and padding mask.</param>
    /// <param name="layer">The layer adapter.</param>
    public static double PrefixWeightRatio(AttentionInputs inputs, NtkAttentionLayerAdapter layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var k = layer.EffectiveK();
        return PrefixWeightRatio(inputs, layer.FeatureMap, k);
    }

    /// <summary>The largest relative change of a context row at Z = 0: rho / (1 - rho) (infinite for rho &gt;= 1).</summary>
    /// <param name="rho">The prefix weight ratio.</param>
    public static double RowChangeBound(double rho) => rho < 1 ? rho / (1 - rho) : double.PositiveInfinity;
}
