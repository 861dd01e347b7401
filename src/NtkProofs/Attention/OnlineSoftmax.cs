using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// The running (shift, sum, accumulator) state of a softmax-weighted average over keys folded in one block at a time (the
/// "online softmax"): after any number of blocks, Sum = sum_j w_j exp(-Shift) and Accumulator = sum_j w_j v_j exp(-Shift) over
/// every key seen, per query row. No score matrix wider than one block ever exists, and nothing overflows:
/// <list type="bullet">
/// <item>exact path: the block's scores are shifted by max(Shift, block row max), and the old state is rescaled;</item>
/// <item>fast path (once every row has a finite Shift): the shift is folded into the score product (queries carry -Shift in an
/// extra column, keys a 1) and the row max pass is skipped; a block whose weights exp(s - Shift) exceed e^<see cref="FastPathLimit"/> (or overflow) is recomputed on the exact
/// path, so the result is the same, only cheaper when scores are stationary across blocks.</item>
/// </list>
/// Rows are stored flat, [rows, ·];
/// blocks arrive grouped as [G, N, ·] with G N = rows. Gradients flow through the sums, never through the shift.
/// </summary>
internal sealed class OnlineSoftmax : IDisposable
{
    /// <summary>Largest accepted log-weight above the shift on the fast path.</summary>
    public const double FastPathLimit = 30.0;

    private readonly long rows;

    // shift: the largest log-weight seen per row (-inf before any); units: the finite shift the sums are stored relative to.
    private Tensor? shift;
    private Tensor? units;
    private Tensor? sum;
    private Tensor? accumulator;
    private bool shiftFinite;

    public OnlineSoftmax(long rows) => this.rows = rows;

    /// <summary>
    /// Folds in the keys [G, n, d] and values [G, n, d_v] for the queries [G, N, d] (already multiplied by 1/sqrt d).
    /// <paramref name="bias"/> [G, 1, n] is added to the scores (0 or -inf per key: padding); <paramref name="causal"/> hides
    /// key j from query i when j &gt; i (square blocks only).
    /// </summary>
    public void AddBlock(Tensor queries, Tensor keys, Tensor values, Tensor? bias = null, bool causal = false)
    {
        using var scope = NewDisposeScope();
        long groups = queries.shape[0], perGroup = queries.shape[1];
        if (shift is not null && shiftFinite)
        {
            // [q, -units] . [kappa, 1] = q . kappa - units: the shift rides along in the product (one pass fewer over the scores),
            // and the row max pass is skipped.
            var shiftedQueries = cat([queries, units!.neg().view(groups, perGroup, 1)], 2);
            var onesColumn = ones([keys.shape[0], keys.shape[1], 1], keys.dtype, keys.device);
            var weights = bmm(shiftedQueries, cat([keys, onesColumn], 2).transpose(1, 2));
            if (bias is not null)
            {
                weights.add_(bias);
            }

            weights.exp_();
            if (causal)
            {
                // Zero the future after exp (cheaper than filling -inf before it); in place only without autograd, because
                // exp's backward reads its own output.
                weights = weights.requires_grad ? weights.tril() : weights.tril_();
            }

            var (blockSum, blockAccumulator) = Weighted(weights, values);
            using var largest = blockSum.detach().max();
            double top = largest.to(ScalarType.Float64).item<double>();
            if (double.IsFinite(top) && top <= Math.Exp(FastPathLimit))
            {
                Replace(shift.clone(), units!.clone(), sum! + blockSum, accumulator! + blockAccumulator);
                return;
            }
        }

        var scores = bmm(queries, keys.transpose(1, 2));
        if (bias is not null)
        {
            scores.add_(bias);
        }

        if (causal)
        {
            scores.masked_fill_(ones(scores.shape[1], scores.shape[2], ScalarType.Bool, scores.device).triu(1), double.NegativeInfinity);
        }

        using var blockMax = scores.detach().amax([-1], keepdim: true).view(rows, 1);
        var (newShift, safe) = Merge(blockMax);
        var (exactSum, exactAccumulator) = Weighted(scores.sub_(safe.view(groups, perGroup, 1)).exp_(), values);
        Fold(newShift, safe, exactSum, exactAccumulator);
    }

    /// <summary>
    /// Folds in one term per row with weight W = weight * exp(logScale) and weighted value N = numerator * exp(logScale) [rows, ·],
    /// where <paramref name="logMagnitude"/> = log |W| (or -inf when W is zero or unusable). Used for the NTK prefix term phi(q) k.
    /// </summary>
    public void AddTerm(Tensor logMagnitude, Tensor logScale, Tensor weight, Tensor numerator)
    {
        using var scope = NewDisposeScope();
        var (newShift, safe) = Merge(logMagnitude.detach());

        // factor <= 1 / |weight| once the shift covers log |W|; the clamp only matters for a W within e^-80 of zero,
        // where it keeps 0 * inf from turning a vanishing term into NaN.
        var factor = (logScale.detach() - safe).clamp_max(MaxExponent(safe.dtype)).exp();
        Fold(newShift, safe, weight * factor, numerator * factor);
    }

    /// <summary>Accumulator / Sum [rows, d_v], with 0 for rows whose sum is exactly 0 (no visible key and no prefix term).</summary>
    public Tensor Result()
    {
        if (sum is null || accumulator is null)
        {
            throw new InvalidOperationException("no block was added");
        }

        using var scope = NewDisposeScope();
        var nonzero = sum.ne(0);
        var denominator = where(nonzero, sum, ones_like(sum));
        return where(nonzero, accumulator / denominator, zeros_like(accumulator)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        shift?.Dispose();
        units?.Dispose();
        sum?.Dispose();
        accumulator?.Dispose();
    }

    private static double MaxExponent(ScalarType dtype) => dtype == ScalarType.Float32 ? 80.0 : 700.0;

    // Row sums [rows, 1] and weighted values [rows, d_v] of a block of weights [G, N, n].
    private (Tensor Sum, Tensor Accumulator) Weighted(Tensor weights, Tensor values) =>
        (weights.sum(-1, keepdim: true).view(rows, 1), bmm(weights, values).view(rows, -1));

    // The new shift (max of the old one and the block's), and a finite stand-in (0 where no finite log-weight exists yet).
    private (Tensor Shift, Tensor Safe) Merge(Tensor blockShift)
    {
        var merged = shift is null ? blockShift.clone() : maximum(shift, blockShift);
        var safe = where(merged.isfinite(), merged, zeros_like(merged));
        return (merged, safe);
    }

    private void Fold(Tensor newShift, Tensor safe, Tensor blockSum, Tensor blockAccumulator)
    {
        if (shift is null)
        {
            Replace(newShift, safe, blockSum, blockAccumulator);
        }
        else
        {
            // Rescale the old state from its units to the new ones (alpha <= 1 once a finite shift exists).
            var alpha = (units! - safe).clamp_max(MaxExponent(safe.dtype)).exp();
            Replace(newShift, safe, (sum! * alpha) + blockSum, (accumulator! * alpha) + blockAccumulator);
        }

        using var finite = shift!.isfinite().all();
        shiftFinite = finite.item<bool>();
    }

    private void Replace(Tensor newShift, Tensor newUnits, Tensor newSum, Tensor newAccumulator)
    {
        Dispose();
        shift = newShift.DetachFromDisposeScope();
        units = newUnits.DetachFromDisposeScope();
        sum = newSum.DetachFromDisposeScope();
        accumulator = newAccumulator.DetachFromDisposeScope();
    }
}
