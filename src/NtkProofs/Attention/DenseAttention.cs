using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Materialized references for prefix attention: the full L x (m + L) score matrix is formed. <see cref="Forward"/> is plain
/// softmax attention over [K_P; K] (what a PyTorch user would write; the benchmark's baseline), and
/// <see cref="ForwardWithPrefixWeight"/> is the unshifted ratio form with any weight function on the prefix block (the oracle
/// of identity I1, where exp is replaced by T_g on the prefix block only). Memory grows like L (m + L); use for checks and
/// baselines, not for long prefixes.
/// </summary>
public static class DenseAttention
{
    /// <summary>softmax([Q K_P^T, M o Q K^T] / sqrt d) [V_P; V] with concatenated keys and values.</summary>
    /// <param name="q">Queries [B, H, L, d].</param>
    /// <param name="k">Keys [B, H, Lk, d].</param>
    /// <param name="v">Values [B, H, Lk, d_v].</param>
    /// <param name="prefixKeys">K_P, [H, m, d] or [B, H, m, d].</param>
    /// <param name="prefixValues">V_P, same layout with d_v columns.</param>
    /// <param name="causal">Causal mask on the input block.</param>
    /// <param name="keyMask">Optional padding mask over the input keys.</param>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor prefixKeys, Tensor prefixValues, bool causal = false, KeyMask? keyMask = null)
    {
        AttentionShapes.RequireQueriesKeysValues(q, k, v, causal);
        keyMask?.RequireShape(k.shape[0], k.shape[2]);
        using var scope = NewDisposeScope();
        var (pk, pv) = AttentionShapes.RequirePrefix(prefixKeys, prefixValues, q, v);
        long batch = q.shape[0], m = pk.shape[2];
        var keys = cat([pk.expand(batch, -1, -1, -1), k], 2);
        var values = cat([pv.expand(batch, -1, -1, -1), v], 2);
        var scores = matmul(q, keys.transpose(2, 3)) * (1.0 / Math.Sqrt(q.shape[3]));
        var bias = InputBias(q, k, causal, keyMask);
        if (bias is not null)
        {
            scores = scores + nn.functional.pad(bias, [m, 0]);
        }

        return matmul(scores.softmax(-1), values).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [w(S_P) V_P + M o exp(S) V] / [w(S_P) 1 + (M o exp(S)) 1] with S_P = Q K_P^T / sqrt d, S = Q K^T / sqrt d, without
    /// any shift: exact arithmetic for moderate logits only (float64 up to |logit| of a few hundred).
    /// </summary>
    /// <param name="q">Queries [B, H, L, d].</param>
    /// <param name="k">Keys [B, H, Lk, d].</param>
    /// <param name="v">Values [B, H, Lk, d_v].</param>
    /// <param name="prefixKeys">K_P, [H, m, d] or [B, H, m, d].</param>
    /// <param name="prefixValues">V_P, same layout with d_v columns.</param>
    /// <param name="prefixWeight">w, applied elementwise to the prefix scores (exp gives exact prefix attention).</param>
    /// <param name="causal">Causal mask on the input block.</param>
    /// <param name="keyMask">Optional padding mask over the input keys.</param>
    public static Tensor ForwardWithPrefixWeight(Tensor q, Tensor k, Tensor v, Tensor prefixKeys, Tensor prefixValues, Func<Tensor, Tensor> prefixWeight, bool causal = false, KeyMask? keyMask = null)
    {
        ArgumentNullException.ThrowIfNull(prefixWeight);
        AttentionShapes.RequireQueriesKeysValues(q, k, v, causal);
        keyMask?.RequireShape(k.shape[0], k.shape[2]);
        using var scope = NewDisposeScope();
        var (pk, pv) = AttentionShapes.RequirePrefix(prefixKeys, prefixValues, q, v);
        double scale = 1.0 / Math.Sqrt(q.shape[3]);
        var prefixWeights = prefixWeight(matmul(q, pk.transpose(2, 3)) * scale);
        var scores = matmul(q, k.transpose(2, 3)) * scale;
        var bias = InputBias(q, k, causal, keyMask);
        var inputWeights = (bias is null ? scores : scores + bias).exp();
        var numerator = matmul(prefixWeights, pv) + matmul(inputWeights, v);
        var denominator = prefixWeights.sum(-1, keepdim: true) + inputWeights.sum(-1, keepdim: true);
        return (numerator / denominator).MoveToOuterDisposeScope();
    }

    // Additive bias of the input block [B or 1, 1, L, Lk] (0 or -inf), or null without masks.
    private static Tensor? InputBias(Tensor q, Tensor k, bool causal, KeyMask? keyMask)
    {
        Tensor? bias = keyMask?.AdditiveBias(q.dtype, q.device);
        if (causal)
        {
            long length = q.shape[2];
            var future = zeros(length, length, q.dtype, q.device).masked_fill(ones(length, length, ScalarType.Bool, q.device).triu(1), double.NegativeInfinity);
            bias = bias is null ? future.view(1, 1, length, length) : bias + future;
        }

        return bias;
    }
}
