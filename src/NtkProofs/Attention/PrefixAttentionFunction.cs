using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Prefix attention as one autograd node with a recomputing backward (<see cref="StreamedAttention"/>): the forward saves only
/// its inputs, its output and one log-sum-exp per row, and the backward recomputes each block's probabilities, so neither pass
/// keeps anything that grows with m beyond the prefix and its gradient. Apply with q, k, v [B, H, L, ·], prefix keys and
/// values (validated by <see cref="PrefixAttention.Forward"/>), the causal flag, the key mask (or null) and the block size.
/// </summary>
internal sealed class PrefixAttentionFunction : autograd.SingleTensorFunction<PrefixAttentionFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(PrefixAttentionFunction);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(vars);
        var (q, k, v, pk, pv) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        bool causal = (bool)vars[5];
        var keyMask = vars[6] as KeyMask;
        long blockSize = (long)vars[7];
        using var noGrad = no_grad();
        var setup = Setup.Of(q, k, v, pk, pv, keyMask, blockSize);
        var (output, lse) = StreamedAttention.Forward(setup.PrefixQueries, setup.KeyBlocks, setup.ValueBlocks, setup.Layout.Queries, setup.Layout.Keys, setup.Layout.Values, setup.Layout.Bias, causal);
        ctx.save_for_backward([q, k, v, pk, pv, output, lse]);
        ctx.save_data("causal", causal);
        ctx.save_data("mask", keyMask!);
        ctx.save_data("block", blockSize);
        return setup.Layout.ToBatchHeads(output, q.shape[0], q.shape[1], q.shape[2]);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(grad_output);
        var saved = ctx.get_saved_variables();
        var (q, k, v, pk, pv, output, lse) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6]);
        bool causal = (bool)ctx.get_data("causal");
        var keyMask = ctx.get_data("mask") as KeyMask;
        long blockSize = (long)ctx.get_data("block");
        using var noGrad = no_grad();
        long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], d = q.shape[3], keys = k.shape[2], dv = v.shape[3];
        var setup = Setup.Of(q, k, v, pk, pv, keyMask, blockSize);
        bool headMajor = setup.Layout.HeadMajor;
        var rowsGradient = (headMajor ? grad_output.transpose(0, 1) : grad_output).contiguous().view(-1, dv);
        var g = StreamedAttention.Backward(setup.PrefixQueries, setup.KeyBlocks, setup.ValueBlocks, setup.Layout.Queries, setup.Layout.Keys, setup.Layout.Values, setup.Layout.Bias, causal, output, lse, rowsGradient);
        Tensor Back(Tensor rows, long n, long width) => headMajor ? rows.view(heads, batch, n, width).transpose(0, 1) : rows.view(batch, heads, n, width);
        var dq = Back(g.Queries, length, d) * (1.0 / Math.Sqrt(d));
        var dpk = g.PrefixKeys.reshape(pk.shape);
        var dpv = g.PrefixValues.reshape(pv.shape);
        return [dq, Back(g.Keys, keys, d), Back(g.Values, keys, dv), dpk, dpv, null!, null!, null!];
    }

    /// <summary>
    /// The grouped rows and prefix blocks of one call: a prefix shared by the batch gives head-major rows (one product per head
    /// over all B L queries); a prefix per batch entry gives batch-major rows, so every tensor is a view of its input.
    /// </summary>
    internal sealed record Setup(AttentionLayout Layout, Tensor PrefixQueries, Tensor[] KeyBlocks, Tensor[] ValueBlocks)
    {
        /// <summary>Lays out one call (q, k, v [B, H, ·, ·], prefix [H, m, ·] or [B, H, m, ·]); the tensors belong to the caller's dispose scope.</summary>
        public static Setup Of(Tensor q, Tensor k, Tensor v, Tensor pk, Tensor pv, KeyMask? keyMask, long blockSize)
        {
            var keys = pk.dim() == 3 ? pk.unsqueeze(0) : pk;
            var values = pv.dim() == 3 ? pv.unsqueeze(0) : pv;
            long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], d = q.shape[3], m = keys.shape[2];
            bool shared = keys.shape[0] == 1;
            var layout = AttentionLayout.Of(q, k, v, keyMask, headMajor: shared);
            var queries = shared ? layout.Queries.view(heads, batch * length, d) : layout.Queries;
            var keyRows = keys.reshape(shared ? heads : batch * heads, m, d);
            var valueRows = values.reshape(shared ? heads : batch * heads, m, values.shape[3]);
            return m == 0
                ? new Setup(layout, queries, [], [])
                : new Setup(layout, queries, keyRows.split(blockSize, 1), valueRows.split(blockSize, 1));
        }
    }
}
