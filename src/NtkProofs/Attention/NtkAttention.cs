using NtkProofs.FeatureMaps;
using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// NTK-Attention (THEORY.md Part B): NTK-Attn(X; Z, k) = Dt^-1 [M o exp(Q K^T / sqrt d) V + phi(Q) Z],
/// Dt = diag((M o exp(Q K^T / sqrt d)) 1 + phi(Q) k), with per-head Z [H, r, d_v] and k [H, r] standing in for a prefix of
/// any length. Numerically stable: each row is shifted by c_i = max(row max of its scores, log |phi(q_i) k|) (in factored
/// form, <see cref="IFeatureMap.ApplyScaled"/>), so logits of magnitude 1e3 in float32 neither overflow nor drop the prefix
/// term. Gradients flow to q, k, v, Z and k through TorchSharp autograd.
/// </summary>
public static class NtkAttention
{
    /// <summary>NTK-Attention for q [B, H, L, d], k [B, H, Lk, d], v [B, H, Lk, d_v].</summary>
    /// <param name="q">Queries of the input tokens.</param>
    /// <param name="k">Keys of the input tokens.</param>
    /// <param name="v">Values of the input tokens.</param>
    /// <param name="featureMap">phi, built for d.</param>
    /// <param name="z">Z, [H, r, d_v].</param>
    /// <param name="kSum">k, [H, r].</param>
    /// <param name="causal">Query i sees input keys j &lt;= i (the prefix term always).</param>
    /// <param name="keyMask">Optional padding mask over the input keys.</param>
    /// <returns>[B, H, L, d_v]. A row with no visible key and phi(q) k = 0 exactly is 0.</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, IFeatureMap featureMap, Tensor z, Tensor kSum, bool causal = false, KeyMask? keyMask = null)
    {
        AttentionShapes.RequireQueriesKeysValues(q, k, v, causal);
        AttentionShapes.RequireNtkState(z, kSum, featureMap, q, v);
        keyMask?.RequireShape(k.shape[0], k.shape[2]);
        using var scope = NewDisposeScope();
        long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], r = featureMap.R, dv = v.shape[3];

        // Head-major rows [H, B, L]: the prefix term is one product per head with that head's Z and k over all B L queries.
        var layout = AttentionLayout.Of(q, k, v, keyMask, headMajor: true);

        // The prefix term phi(q) k and phi(q) Z, with phi(q) = F exp(s). It goes in first, so that its log-weight becomes the
        // shift of the input block (the fast path of OnlineSoftmax).
        var (features, logScale) = featureMap.ApplyScaled(q.transpose(0, 1));
        var flat = features.reshape(heads, batch * length, r);
        var weight = bmm(flat, kSum.unsqueeze(2)).view(-1, 1);
        var numerator = bmm(flat, z).view(-1, dv);
        var scale = logScale.reshape(-1, 1);
        var usable = weight.ne(0).logical_and(weight.isfinite()).logical_and(scale.isfinite());
        var logMagnitude = where(usable, where(usable, weight.detach(), ones_like(weight)).abs().log() + scale, full_like(weight, double.NegativeInfinity));
        if (!AttentionShapes.NeedsGradient(q, k, v, z, kSum))
        {
            // Without gradients: the fused stream (the row sum rides in the value product, in-place block operations).
            var fused = StreamedAttention.ForwardWithTerm(layout.Queries, layout.Keys, layout.Values, layout.Bias, causal, logMagnitude, scale, weight, numerator);
            return layout.ToBatchHeads(fused, batch, heads, length).MoveToOuterDisposeScope();
        }

        using var state = new OnlineSoftmax(heads * batch * length);
        state.AddTerm(logMagnitude, scale, weight, numerator);
        state.AddBlock(layout.Queries, layout.Keys, layout.Values, layout.Bias, causal);
        return layout.ToBatchHeads(state.Result(), batch, heads, length).MoveToOuterDisposeScope();
    }
}
