using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Exact prefix attention (THEORY.md Part B): queries from the input X only, keys and values [K_P; K], [V_P; V],
/// PrefixAttn = D^-1 [exp(Q K_P^T / sqrt d) V_P + M o exp(Q K^T / sqrt d) V], M the optional causal mask on the input block
/// and an optional key mask (padding) on the input keys; prefix keys are always visible.
/// The prefix is streamed in blocks through an online softmax (running max and sum), so no L x (m + L) score matrix is
/// ever formed and the extra memory of a forward pass does not grow with m.
/// </summary>
public static class PrefixAttention
{
    /// <summary>Default number of prefix keys per block.</summary>
    public const long DefaultBlockSize = 1024;

    /// <summary>Prefix attention for q [B, H, L, d], k [B, H, Lk, d], v [B, H, Lk, d_v].</summary>
    /// <param name="q">Queries of the input tokens.</param>
    /// <param name="k">Keys of the input tokens.</param>
    /// <param name="v">Values of the input tokens.</param>
    /// <param name="prefixKeys">K_P, [H, m, d] (shared by the batch) or [B, H, m, d]; m may be 0.</param>
    /// <param name="prefixValues">V_P, same layout as <paramref name="prefixKeys"/> with d_v columns.</param>
    /// <param name="causal">Query i sees input keys j &lt;= i (and every prefix key).</param>
    /// <param name="keyMask">Optional padding mask over the input keys.</param>
    /// <param name="blockSize">Prefix keys per block.</param>
    /// <returns>[B, H, L, d_v] in the inputs' dtype and on their device.</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor prefixKeys, Tensor prefixValues, bool causal = false, KeyMask? keyMask = null, long blockSize = DefaultBlockSize)
    {
        AttentionShapes.RequireQueriesKeysValues(q, k, v, causal);
        keyMask?.RequireShape(k.shape[0], k.shape[2]);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        using var scope = NewDisposeScope();
        var (pk, pv) = AttentionShapes.RequirePrefix(prefixKeys, prefixValues, q, v);
        long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], d = q.shape[3], m = pk.shape[2];

        // Head-major layout [H, B, L, ·]: one batched product per block, and a shared prefix needs no copies.
        var qh = (q.transpose(0, 1) * (1.0 / Math.Sqrt(d))).contiguous();
        using var state = new OnlineSoftmax();
        var pkh = pk.transpose(0, 1);
        var pvh = pv.transpose(0, 1);
        bool shared = pk.shape[0] == 1;
        var qFlat = shared ? qh.reshape(heads, batch * length, d) : null;
        for (long start = 0; start < m; start += blockSize)
        {
            using var blockScope = NewDisposeScope();
            long n = Math.Min(blockSize, m - start);
            var keys = pkh.narrow(2, start, n);
            var values = pvh.narrow(2, start, n);
            var scores = shared
                ? bmm(qFlat!, keys.reshape(heads, n, d).transpose(1, 2)).view(heads, batch, length, n)
                : matmul(qh, keys.transpose(2, 3));
            state.AddScores(scores, values);
        }

        state.AddScores(InputScores(qh, k, causal, keyMask), v.transpose(0, 1));
        return state.Result().transpose(0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scaled, masked scores of the input block in head-major layout [H, B, L, Lk]: <paramref name="scaledQueries"/> are
    /// already multiplied by 1/sqrt d; masked entries are -inf.
    /// </summary>
    internal static Tensor InputScores(Tensor scaledQueries, Tensor k, bool causal, KeyMask? keyMask)
    {
        using var scope = NewDisposeScope();
        var scores = matmul(scaledQueries, k.transpose(0, 1).transpose(2, 3));
        if (keyMask is not null)
        {
            // [B, 1, 1, Lk] -> [1, B, 1, Lk] in head-major layout.
            scores.add_(keyMask.AdditiveBias(scores.dtype, scores.device).transpose(0, 1));
        }

        if (causal)
        {
            long length = scores.shape[2];
            using var future = ones(length, length, ScalarType.Bool, scores.device).triu(1);
            scores.masked_fill_(future, double.NegativeInfinity);
        }

        return scores.MoveToOuterDisposeScope();
    }
}
