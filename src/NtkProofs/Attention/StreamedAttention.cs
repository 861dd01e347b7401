using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// The fused forward and the recomputing backward of prefix attention over grouped rows (the algorithm of FlashAttention,
/// with torch operations per block of keys): softmax over the prefix blocks and the input block together, in one stream.
/// <para>
/// Forward: each block's scores S = Q K_b^T come from one batched product; after the first block, the running shift rides in
/// the product (queries carry -shift in an extra column, keys a 1), so a block costs two products, one exp pass and one
/// row-sum pass, with no row-max pass. A block whose weights exceed e^<see cref="FastPathLimit"/>
/// (or overflow) is redone on the exact path (shift by the block's row max, rescale the state), so the result never
/// overflows. It returns the output and each row's log-sum-exp.
/// </para>
/// <para>
/// Backward: with the saved log-sum-exp, each block's probabilities P = exp(S - lse) are recomputed; then dV_b = P^T dO,
/// dS = P o (dO V_b^T - D) with D = rowsum(dO o O), dQ += dS K_b, dK_b = dS^T Q. No tensor wider than one block exists, so
/// the memory of forward plus backward stays flat in m (beyond the gradients of the prefix itself).
/// </para>
/// Rows are grouped twice over the same memory: [Gp, Np, ·] for the prefix blocks, [Gi, L, ·] for the input block
/// (Gp Np = Gi L = rows), as <see cref="AttentionLayout"/> lays them out.
/// </summary>
internal static class StreamedAttention
{
    /// <summary>Largest accepted log-weight above the running shift on the fast path.</summary>
    public const double FastPathLimit = 30.0;

    /// <summary>The fused forward: output [rows, d_v] (0 for a row without any visible key) and log-sum-exp [rows, 1] (-inf there).</summary>
    /// <param name="prefixQueries">Scaled queries grouped for the prefix, [Gp, Np, d].</param>
    /// <param name="prefixKeyBlocks">Prefix key blocks [Gp, n_b, d].</param>
    /// <param name="prefixValueBlocks">Prefix value blocks [Gp, n_b, d_v].</param>
    /// <param name="queries">The same scaled queries grouped for the input block, [Gi, L, d].</param>
    /// <param name="keys">Input keys [Gi, Lk, d].</param>
    /// <param name="values">Input values [Gi, Lk, d_v].</param>
    /// <param name="bias">Key-mask bias [Gi, 1, Lk] or null.</param>
    /// <param name="causal">Query i sees input key j only when j &lt;= i.</param>
    public static (Tensor Output, Tensor LogSumExp) Forward(Tensor prefixQueries, Tensor[] prefixKeyBlocks, Tensor[] prefixValueBlocks, Tensor queries, Tensor keys, Tensor values, Tensor? bias, bool causal)
    {
        using var scope = NewDisposeScope();
        long rows = queries.shape[0] * queries.shape[1], dv = values.shape[2];
        using var state = new State(rows, dv);
        Tensor? shiftedQueries = null;
        for (int b = 0; b < prefixKeyBlocks.Length; b++)
        {
            using var blockScope = NewDisposeScope();
            if (state.AllFinite)
            {
                // [q, -units] . [kappa, 1] = q . kappa - units: one product gives the shifted scores.
                shiftedQueries ??= Shifted(prefixQueries, state.Units!).DetachFromDisposeScope();
                if (TryFastBlock(state, shiftedQueries, prefixKeyBlocks[b], prefixValueBlocks[b], null, false))
                {
                    continue;
                }
            }

            state.AddExact(bmm(prefixQueries, prefixKeyBlocks[b].transpose(1, 2)), WithOnes(prefixValueBlocks[b]));
            shiftedQueries?.Dispose();
            shiftedQueries = null;
        }

        shiftedQueries?.Dispose();
        AddInputBlock(state, queries, keys, values, bias, causal);
        var (output, lse) = state.Finish();
        return (output.MoveToOuterDisposeScope(), lse.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// NTK-Attention's forward in the same stream: the prefix term (weight phi(q) k and numerator phi(q) Z, each times
    /// exp(logScale), with log |weight| + logScale = <paramref name="logMagnitude"/>, -inf where unusable) goes in first and its
    /// log-weight becomes the shift, so the input block runs on the fast path. Output [rows, d_v] as
    /// <see cref="Forward"/>. Without gradients only (in-place block operations).
    /// </summary>
    /// <param name="queries">Scaled queries [Gi, L, d].</param>
    /// <param name="keys">Input keys [Gi, Lk, d].</param>
    /// <param name="values">Input values [Gi, Lk, d_v].</param>
    /// <param name="bias">Key-mask bias [Gi, 1, Lk] or null.</param>
    /// <param name="causal">Query i sees input key j only when j &lt;= i.</param>
    /// <param name="logMagnitude">log |W| of the prefix term per row [rows, 1] (-inf: no usable term).</param>
    /// <param name="logScale">log of the factored scale [rows, 1].</param>
    /// <param name="weight">phi(q) k without the scale [rows, 1].</param>
    /// <param name="numerator">phi(q) Z without the scale [rows, d_v].</param>
    public static Tensor ForwardWithTerm(Tensor queries, Tensor keys, Tensor values, Tensor? bias, bool causal, Tensor logMagnitude, Tensor logScale, Tensor weight, Tensor numerator)
    {
        using var scope = NewDisposeScope();
        if (TryDirectWithTerm(queries, keys, values, bias, causal, logMagnitude, weight, numerator) is { } direct)
        {
            return direct.MoveToOuterDisposeScope();
        }

        long rows = queries.shape[0] * queries.shape[1], dv = values.shape[2];
        using var state = new State(rows, dv);
        state.AddTerm(logMagnitude, logScale, weight, numerator);
        AddInputBlock(state, queries, keys, values, bias, causal);
        return state.Finish().Output.MoveToOuterDisposeScope();
    }

    // The common case of ForwardWithTerm in a dozen operations and one synchronization: with u = log |W| + logScale finite in
    // every row, out = (N / |W| + sum_j e^(s_j - u) v_j) / (sign W + sum_j e^(s_j - u)), since N e^logScale / e^u = N / |W|.
    // The scores take the shift as a separate pass (as fast as the extra query column within this machine's noise, at H 8,
    // L 512, d 64 on 2 cores, and without the concatenations). Null (nothing computed that the caller keeps) when a shift is not finite, a row's weight sum
    // exceeds e^FastPathLimit or overflows, or a denominator vanishes; the caller then runs the exact stream.
    internal static Tensor? TryDirectWithTerm(Tensor queries, Tensor keys, Tensor values, Tensor? bias, bool causal, Tensor logMagnitude, Tensor weight, Tensor numerator)
    {
        using var scope = NewDisposeScope();
        long groups = queries.shape[0], perGroup = queries.shape[1], dv = values.shape[2];
        var weights = bmm(queries, keys.transpose(1, 2));
        if (bias is not null)
        {
            weights.add_(bias);
        }

        weights.sub_(logMagnitude.view(groups, perGroup, 1)).exp_();
        if (causal)
        {
            weights.tril_();   // the future is zeroed after exp (an overflow there never reaches the sums)
        }

        var sums = weights.sum(-1).view(-1, 1);
        var magnitude = weight.abs();
        var denominator = sums + weight / magnitude;
        var output = bmm(weights, values).view(-1, dv).add_(numerator / magnitude).div_(denominator);

        // One check for every condition: finite shifts (a NaN or infinite u makes the sums NaN or infinite), sums within the
        // fast-path limit, non-zero denominators.
        using var bad = sums.gt(Math.Exp(FastPathLimit)).logical_or_(sums.isfinite().logical_not_()).logical_or_(denominator.eq(0))
            .logical_or_(logMagnitude.isfinite().logical_not_()).any();
        return bad.item<bool>() ? null : output.MoveToOuterDisposeScope();
    }

    // The input block: on the fast path when every row already has a finite shift, else (or on overflow) exactly.
    private static void AddInputBlock(State state, Tensor queries, Tensor keys, Tensor values, Tensor? bias, bool causal)
    {
        using var scope = NewDisposeScope();
        if (state.AllFinite && TryFastBlock(state, Shifted(queries, state.Units!), keys, values, bias, causal))
        {
            return;
        }

        var scores = bmm(queries, keys.transpose(1, 2));
        Mask(scores, bias, causal);
        state.AddExact(scores, WithOnes(values));
    }

    // [q, -units]: queries with the running shift in an extra column.
    private static Tensor Shifted(Tensor queries, Tensor units) => cat([queries, units.neg().view(queries.shape[0], queries.shape[1], 1)], 2);

    // Folds a block in on the fast path; false (state unchanged) when its weights exceed e^FastPathLimit or overflow.
    private static bool TryFastBlock(State state, Tensor shiftedQueries, Tensor keys, Tensor values, Tensor? bias, bool causal)
    {
        using var scope = NewDisposeScope();
        var weights = bmm(shiftedQueries, WithOnes(keys).transpose(1, 2));
        if (bias is not null)
        {
            weights.add_(bias);
        }

        weights.exp_();
        if (causal)
        {
            weights.tril_();   // the future is zeroed after exp (an overflow there never reaches the sums)
        }

        // The row sum as its own pass, the value product at d_v columns: measured faster than a value product at d_v + 1
        // columns (4.4 against 4.8 ms at H 8, L 512, d 64 on 2 cores: odd widths cost MKL more than one pass over the weights).
        long dv = values.shape[2];
        var block = cat([bmm(weights, values).view(-1, dv), weights.sum(-1).view(-1, 1)], 1);
        using var top = block.narrow(1, dv, 1).max();
        double largest = top.to(ScalarType.Float64).item<double>();
        if (!double.IsFinite(largest) || largest > Math.Exp(FastPathLimit))
        {
            return false;
        }

        state.Accumulator!.add_(block);
        return true;
    }

    /// <summary>
    /// The recomputing backward. Returns dQ [rows, d] (with respect to the scaled queries), the prefix key and value gradients
    /// [Gp, m, ·], and the input key and value gradients [Gi, Lk, ·].
    /// </summary>
    /// <param name="prefixQueries">As in <see cref="Forward"/>.</param>
    /// <param name="prefixKeyBlocks">As in <see cref="Forward"/>.</param>
    /// <param name="prefixValueBlocks">As in <see cref="Forward"/>.</param>
    /// <param name="queries">As in <see cref="Forward"/>.</param>
    /// <param name="keys">As in <see cref="Forward"/>.</param>
    /// <param name="values">As in <see cref="Forward"/>.</param>
    /// <param name="bias">As in <see cref="Forward"/>.</param>
    /// <param name="causal">As in <see cref="Forward"/>.</param>
    /// <param name="output">The forward's output [rows, d_v].</param>
    /// <param name="logSumExp">The forward's log-sum-exp [rows, 1].</param>
    /// <param name="outputGradient">dO [rows, d_v].</param>
    public static (Tensor Queries, Tensor PrefixKeys, Tensor PrefixValues, Tensor Keys, Tensor Values) Backward(
        Tensor prefixQueries, Tensor[] prefixKeyBlocks, Tensor[] prefixValueBlocks, Tensor queries, Tensor keys, Tensor values, Tensor? bias, bool causal,
        Tensor output, Tensor logSumExp, Tensor outputGradient)
    {
        using var scope = NewDisposeScope();
        long gp = prefixQueries.shape[0], np = prefixQueries.shape[1], gi = queries.shape[0], length = queries.shape[1], d = queries.shape[2], dv = values.shape[2];
        long rows = gi * length;
        var delta = (outputGradient * output).sum(-1, keepdim: true);                     // D = rowsum(dO o O)

        // A row without any visible key has lse = -inf and P = 0 everywhere: +inf makes exp(S - lse) exactly 0 there.
        var lse = where(logSumExp.isfinite(), logSumExp, full_like(logSumExp, double.PositiveInfinity));
        bool allFinite = logSumExp.isfinite().all().item<bool>();
        var queryGradient = zeros([rows, d], queries.dtype, queries.device);
        var prefixQueryGradient = queryGradient.view(gp, np, d);
        var prefixGradient = outputGradient.view(gp, np, dv);
        var prefixDelta = delta.view(gp, np, 1);
        var shiftedQueries = allFinite ? cat([prefixQueries, lse.neg().view(gp, np, 1)], 2) : null;
        // The prefix gradients are written block by block into their final tensors (no list of blocks to concatenate).
        long m = prefixKeyBlocks.Sum(b => b.shape[1]);
        var keyGradients = zeros([gp, m, d], queries.dtype, queries.device);
        var valueGradients = zeros([gp, m, dv], queries.dtype, queries.device);
        long offset = 0;
        for (int b = 0; b < prefixKeyBlocks.Length; b++)
        {
            using var blockScope = NewDisposeScope();
            var kb = prefixKeyBlocks[b];
            long n = kb.shape[1];
            var p = shiftedQueries is not null
                ? bmm(shiftedQueries, WithOnes(kb).transpose(1, 2)).exp_()
                : bmm(prefixQueries, kb.transpose(1, 2)).sub_(lse.view(gp, np, 1)).exp_();
            valueGradients.narrow(1, offset, n).copy_(bmm(p.transpose(1, 2), prefixGradient));
            var ds = bmm(prefixGradient, prefixValueBlocks[b].transpose(1, 2)).sub_(prefixDelta).mul_(p);
            prefixQueryGradient.add_(bmm(ds, kb));
            keyGradients.narrow(1, offset, n).copy_(bmm(ds.transpose(1, 2), prefixQueries));
            offset += n;
        }

        var scores = bmm(queries, keys.transpose(1, 2));
        Mask(scores, bias, causal);
        var probabilities = scores.sub_(lse.view(gi, length, 1)).exp_();
        var inputGradient = outputGradient.view(gi, length, dv);
        var valueGradient = bmm(probabilities.transpose(1, 2), inputGradient);
        var scoreGradient = bmm(inputGradient, values.transpose(1, 2)).sub_(delta.view(gi, length, 1)).mul_(probabilities);
        queryGradient.view(gi, length, d).add_(bmm(scoreGradient, keys));
        var keyGradient = bmm(scoreGradient.transpose(1, 2), queries);
        return (queryGradient.MoveToOuterDisposeScope(), keyGradients.MoveToOuterDisposeScope(), valueGradients.MoveToOuterDisposeScope(),
            keyGradient.MoveToOuterDisposeScope(), valueGradient.MoveToOuterDisposeScope());
    }

    // Adds the key-mask bias and hides the future (j > i) of the input block.
    private static void Mask(Tensor scores, Tensor? bias, bool causal)
    {
        if (bias is not null)
        {
            scores.add_(bias);
        }

        if (causal)
        {
            scores.masked_fill_(ones(scores.shape[1], scores.shape[2], ScalarType.Bool, scores.device).triu(1), double.NegativeInfinity);
        }
    }

    // [x, 1]: one more column of ones.
    private static Tensor WithOnes(Tensor x) => cat([x, ones([x.shape[0], x.shape[1], 1], x.dtype, x.device)], 2);

    private static double MaxExponent(ScalarType dtype) => dtype == ScalarType.Float32 ? 80.0 : 700.0;

    /// <summary>Running shift (row max so far, -inf before any visible key), its finite stand-in, and [sum of weighted values, sum].</summary>
    private sealed class State(long rows, long valueDim) : IDisposable
    {
        public Tensor? Shift { get; private set; }

        public Tensor? Units { get; private set; }

        public Tensor? Accumulator { get; private set; }

        public bool AllFinite { get; private set; }

        // Folds in a block of raw scores [G, N, n] (may hold -inf) with augmented values [G, n, d_v + 1] on the exact path.
        public void AddExact(Tensor scores, Tensor augmentedValues)
        {
            long groups = scores.shape[0], perGroup = scores.shape[1];
            var blockMax = scores.amax([-1], keepdim: true).view(rows, 1);
            var merged = Shift is null ? blockMax : maximum(Shift, blockMax);
            var safe = where(merged.isfinite(), merged, zeros_like(merged));
            var block = bmm(scores.sub_(safe.view(groups, perGroup, 1)).exp_(), augmentedValues).view(rows, valueDim + 1);
            var accumulator = Accumulator is null ? block : (Accumulator * (Units! - safe).clamp_max(MaxExponent(safe.dtype)).exp()).add_(block);
            Replace(merged, safe, accumulator);
        }

        // The first term of a row: W = weight exp(logScale), N = numerator exp(logScale), shifted by log |W|.
        public void AddTerm(Tensor logMagnitude, Tensor logScale, Tensor weight, Tensor numerator)
        {
            var safe = where(logMagnitude.isfinite(), logMagnitude, zeros_like(logMagnitude));

            // factor <= 1 / |weight| once the shift covers log |W|; the clamp keeps 0 * inf from turning a vanishing term
            // into NaN.
            var factor = (logScale - safe).clamp_max(MaxExponent(safe.dtype)).exp();
            Replace(logMagnitude.clone(), safe, cat([numerator * factor, weight * factor], 1));
        }

        // Output and log-sum-exp in the caller's dispose scope.
        public (Tensor Output, Tensor LogSumExp) Finish()
        {
            var sum = Accumulator!.narrow(1, valueDim, 1);
            var nonzero = sum.ne(0);
            var output = where(nonzero, Accumulator.narrow(1, 0, valueDim) / where(nonzero, sum, ones_like(sum)), zeros_like(Accumulator.narrow(1, 0, valueDim)));
            var lse = where(nonzero, Units! + sum.log(), full_like(sum, double.NegativeInfinity));
            return (output, lse);
        }

        public void Dispose()
        {
            Shift?.Dispose();
            Units?.Dispose();
            Accumulator?.Dispose();
        }

        // The state outlives the block's dispose scope: detach the new tensors, release the old ones.
        private void Replace(Tensor shift, Tensor units, Tensor accumulator)
        {
            shift = shift.DetachFromDisposeScope();
            units = units.DetachFromDisposeScope();
            accumulator = accumulator.DetachFromDisposeScope();
            Dispose();
            Shift = shift;
            Units = units;
            Accumulator = accumulator;
            using var finite = shift.isfinite().all();
            AllFinite = finite.item<bool>();
        }
    }
}
