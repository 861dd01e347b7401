using NtkProofs.Attention;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>
/// A faithful port of the forward pass the paper's authors released (<c>ntk_attn</c> in <c>src/NTK-Attention/ntk_attn_demo.py</c>
/// of ChristianYang37/chiwun, snapshot of June 2024), kept apart from <see cref="NtkAttention"/> and used only to demonstrate
/// its defects (claims ledger C12). Port notes, all as released: inputs are cast to float32 and the result back to the input
/// dtype; phi(x) = ELU(x / d^{1/4}) + 1; k is used as |k|; scores are shifted by their row maximum taken before masking; the
/// prefix terms phi(Q) k and phi(Q) Z are divided by exp(row max), which overflows to +inf in float32 once the row max exceeds
/// about 88.72 (ln of the largest float32) and then silently drops the prefix; the causal mask is a lower triangle offset by
/// nk - nq. Only the shape checks are ours: the released function has none, and TorchSharp's matmul would abort the process.
/// </summary>
public static class ReleasedReferenceAttention
{
    /// <summary>The released <c>ntk_attn(query_layer, key_layer, value_layer, sum_phi_k, sum_phi_kv, causal_mask)</c>.</summary>
    /// <param name="query">query_layer [bs, h, nq, d].</param>
    /// <param name="key">key_layer [bs, h, nk, d].</param>
    /// <param name="value">value_layer [bs, h, nk, d_v].</param>
    /// <param name="sumPhiK">sum_phi_k [1, h, d, 1] (the documented shape; used as |k|).</param>
    /// <param name="sumPhiKV">sum_phi_kv [1, h, d, d_v].</param>
    /// <param name="causalMask">causal_mask (the released default is true).</param>
    /// <param name="phiDropout">
    /// Probability of the dropout the released ViT scripts apply to phi(Q) (0 = none, as in <c>ntk_attn_demo.py</c>). As released,
    /// the <c>nn.Dropout</c> is constructed inside the forward pass, so it is a fresh module in training mode: the caller's
    /// <c>eval()</c> never reaches it and evaluation stays random.
    /// </param>
    /// <returns>context_layer [bs, h, nq, d_v] in the query's dtype.</returns>
    public static Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor sumPhiK, Tensor sumPhiKV, bool causalMask = true, double phiDropout = 0)
    {
        RequireShapes(query, key, value, sumPhiK, sumPhiKV);
        using var scope = NewDisposeScope();
        var dtype = query.dtype;
        var q = query.to(ScalarType.Float32);
        var kx = key.to(ScalarType.Float32);
        var v = value.to(ScalarType.Float32);
        var k = sumPhiK.abs().to(ScalarType.Float32);
        var z = sumPhiKV.to(ScalarType.Float32);
        long bs = q.shape[0], h = q.shape[1], nq = q.shape[2], nk = kx.shape[2], d = q.shape[3];
        Tensor? mask = causalMask ? ones(bs, h, nq, nk, device: q.device).tril(nk - nq) : null;

        var phiQ = nn.functional.elu(q / Math.Pow(d, 0.25), 1.0) + 1.0;
        if (phiDropout > 0)
        {
            using var dropout = nn.Dropout(phiDropout);          // built here, as released: always in training mode
            phiQ = dropout.forward(phiQ);
        }

        var a = matmul(q, kx.transpose(-1, -2)) / Math.Sqrt(d);
        var maxA = a.max(-1).values.unsqueeze(-1);
        var expMaxA = maxA.exp();
        a = (a - maxA).exp();
        if (mask is not null)
        {
            a = a * mask;
        }

        var denominator = a.sum(-1).unsqueeze(-1) + (matmul(phiQ, k) / expMaxA);
        var context = (matmul(a, v) + (matmul(phiQ, z) / expMaxA)) / denominator;
        return context.contiguous().to(dtype).MoveToOuterDisposeScope();
    }

    private static void RequireShapes(Tensor query, Tensor key, Tensor value, Tensor sumPhiK, Tensor sumPhiKV)
    {
        AttentionShapes.RequireRank(query, 4, "query_layer", "[bs, h, nq, d]");
        AttentionShapes.RequireRank(key, 4, "key_layer", "[bs, h, nk, d]");
        AttentionShapes.RequireRank(value, 4, "value_layer", "[bs, h, nk, d]");
        long bs = query.shape[0], h = query.shape[1], d = query.shape[3];
        if (key.shape[0] != bs || key.shape[1] != h || key.shape[3] != d || value.shape[0] != bs || value.shape[1] != h || value.shape[2] != key.shape[2])
        {
            throw new ArgumentException($"query [bs, h, nq, d], key [bs, h, nk, d] and value [bs, h, nk, d_v] disagree: {AttentionShapes.Show(query)}, {AttentionShapes.Show(key)}, {AttentionShapes.Show(value)} (dimension mismatch)", nameof(key));
        }

        if (sumPhiK.dim() != 4 || sumPhiK.shape[0] != 1 || sumPhiK.shape[1] != h || sumPhiK.shape[2] != d || sumPhiK.shape[3] != 1)
        {
            throw new ArgumentException($"sum_phi_k must have the documented shape [1, h, d, 1] = [1, {h}, {d}, 1], got {AttentionShapes.Show(sumPhiK)}; the released error script passes a 1-D k, which broadcasts the denominator to [.., N, N]", nameof(sumPhiK));
        }

        if (sumPhiKV.dim() != 4 || sumPhiKV.shape[0] != 1 || sumPhiKV.shape[1] != h || sumPhiKV.shape[2] != d || sumPhiKV.shape[3] != value.shape[3])
        {
            throw new ArgumentException($"sum_phi_kv must have shape [1, h, d, d_v] = [1, {h}, {d}, {value.shape[3]}], got {AttentionShapes.Show(sumPhiKV)} (dimension mismatch)", nameof(sumPhiKV));
        }
    }
}
