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
        long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], d = q.shape[3], dv = v.shape[3], m = pk.shape[2];

        // Head-major rows [H, B, L]: a prefix shared by the batch is one product per head over all B L queries.
        var qh = (q.transpose(0, 1) * (1.0 / Math.Sqrt(d))).contiguous();
        using var state = new OnlineSoftmax(heads * batch * length);
        if (m > 0)
        {
            bool shared = pk.shape[0] == 1;
            var queries = shared ? qh.view(heads, batch * length, d) : qh.view(heads * batch, length, d);
            var pkh = shared ? pk.view(heads, m, d) : pk.transpose(0, 1).reshape(heads * batch, m, d);
            var pvh = shared ? pv.view(heads, m, dv) : pv.transpose(0, 1).reshape(heads * batch, m, dv);

            // split (not narrow) so that the backward pass assembles each prefix gradient once instead of once per block.
            var keyBlocks = pkh.split(blockSize, 1);
            var valueBlocks = pvh.split(blockSize, 1);
            for (int b = 0; b < keyBlocks.Length; b++)
            {
                using var blockScope = NewDisposeScope();
                state.AddBlock(queries, keyBlocks[b], valueBlocks[b]);
            }
        }

        AddInputBlock(state, qh, k, v, causal, keyMask);
        return state.Result().view(heads, batch, length, dv).transpose(0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Folds the input block into <paramref name="state"/> (rows [H, B, L]): <paramref name="scaledQueries"/> [H, B, L, d] are
    /// already multiplied by 1/sqrt d; k, v are [B, H, Lk, ·]; masked scores are -inf.
    /// </summary>
    internal static void AddInputBlock(OnlineSoftmax state, Tensor scaledQueries, Tensor k, Tensor v, bool causal, KeyMask? keyMask)
    {
        using var scope = NewDisposeScope();
        long heads = scaledQueries.shape[0], batch = scaledQueries.shape[1], length = scaledQueries.shape[2], d = scaledQueries.shape[3], keys = k.shape[2];
        var bias = keyMask?.AdditiveBias(k.dtype, k.device).transpose(0, 1).expand(heads, batch, 1, keys).reshape(heads * batch, 1, keys);
        state.AddBlock(
            scaledQueries.view(heads * batch, length, d),
            k.transpose(0, 1).reshape(heads * batch, keys, d),
            v.transpose(0, 1).reshape(heads * batch, keys, v.shape[3]),
            bias,
            causal);
    }
}
