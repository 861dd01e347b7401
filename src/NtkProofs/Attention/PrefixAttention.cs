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
    /// <summary>Number of prefix keys per block that lets <see cref="Forward"/> choose (<see cref="BlockSizeFor"/>).</summary>
    public const long AutoBlockSize = 0;

    /// <summary>A fixed block size for callers that need one (1024 keys).</summary>
    public const long DefaultBlockSize = 1024;

    /// <summary>Score elements per block that the automatic block size aims at (2^21: 8 MiB of float32 scores).</summary>
    public const long ScoreElementsPerBlock = 1L << 21;

    /// <summary>
    /// The automatic block size: a power of two between 256 and 4096 keys such that one block's scores, rows x block, stay
    /// near <see cref="ScoreElementsPerBlock"/> (measured on 2 cores, H 8, d 64, m 2^16: L 128 fastest at 2048-4096 keys,
    /// L 512 at 512-1024; a fixed 1024 was 6% slower at L 128 and larger blocks 40% slower at L 512).
    /// </summary>
    /// <param name="rows">Query rows that share the prefix in one product (heads x batch x L for a shared prefix).</param>
    public static long BlockSizeFor(long rows)
    {
        long target = ScoreElementsPerBlock / Math.Max(1, rows);
        long size = 256;
        while (size * 2 <= Math.Min(target, 4096))
        {
            size *= 2;
        }

        return size;
    }

    /// <summary>Prefix attention for q [B, H, L, d], k [B, H, Lk, d], v [B, H, Lk, d_v].</summary>
    /// <param name="q">Queries of the input tokens.</param>
    /// <param name="k">Keys of the input tokens.</param>
    /// <param name="v">Values of the input tokens.</param>
    /// <param name="prefixKeys">K_P, [H, m, d] (shared by the batch) or [B, H, m, d]; m may be 0.</param>
    /// <param name="prefixValues">V_P, same layout as <paramref name="prefixKeys"/> with d_v columns.</param>
    /// <param name="causal">Query i sees input keys j &lt;= i (and every prefix key).</param>
    /// <param name="keyMask">Optional padding mask over the input keys.</param>
    /// <param name="blockSize">Prefix keys per block; <see cref="AutoBlockSize"/> (the default) picks <see cref="BlockSizeFor"/>.</param>
    /// <param name="recompute">
    /// One autograd node with a recomputing backward (<see cref="PrefixAttentionFunction"/>): forward plus backward keep memory
    /// flat in m, at the price of recomputing the scores in the backward pass. Otherwise gradients flow through the block
    /// operations (autograd keeps every block's weights, O(L m) memory). Without gradients both run the same fused forward.
    /// </param>
    /// <returns>[B, H, L, d_v] in the inputs' dtype and on their device.</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor prefixKeys, Tensor prefixValues, bool causal = false, KeyMask? keyMask = null, long blockSize = AutoBlockSize, bool recompute = false)
    {
        AttentionShapes.RequireQueriesKeysValues(q, k, v, causal);
        keyMask?.RequireShape(k.shape[0], k.shape[2]);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        using var scope = NewDisposeScope();
        var (pk, pv) = AttentionShapes.RequirePrefix(prefixKeys, prefixValues, q, v);
        if (blockSize == AutoBlockSize)
        {
            blockSize = BlockSizeFor(pk.shape[0] == 1 ? q.shape[0] * q.shape[1] * q.shape[2] : q.shape[2]);
        }

        if (recompute || !AttentionShapes.NeedsGradient(q, k, v, prefixKeys, prefixValues))
        {
            return PrefixAttentionFunction.apply(q, k, v, prefixKeys, prefixValues, causal, keyMask!, blockSize).MoveToOuterDisposeScope();
        }

        // Autograd through the block operations. split (not narrow) blocks, so that the backward pass assembles each prefix
        // gradient once instead of once per block.
        var setup = PrefixAttentionFunction.Setup.Of(q, k, v, prefixKeys, prefixValues, keyMask, blockSize);
        var layout = setup.Layout;
        using var state = new OnlineSoftmax(q.shape[0] * q.shape[1] * q.shape[2]);
        for (int b = 0; b < setup.KeyBlocks.Length; b++)
        {
            using var blockScope = NewDisposeScope();
            state.AddBlock(setup.PrefixQueries, setup.KeyBlocks[b], setup.ValueBlocks[b]);
        }

        state.AddBlock(layout.Queries, layout.Keys, layout.Values, layout.Bias, causal);
        return layout.ToBatchHeads(state.Result(), q.shape[0], q.shape[1], q.shape[2]).MoveToOuterDisposeScope();
    }
}
