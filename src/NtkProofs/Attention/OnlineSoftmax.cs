using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// The running (shift, sum, accumulator) state of a softmax-weighted average that is folded in one block of keys at a time
/// (the "online softmax"): after any number of blocks, Sum = sum_j w_j exp(-Shift) and Accumulator = sum_j w_j v_j exp(-Shift)
/// over every key seen so far, with Shift at least every log-weight seen, so nothing overflows. No score matrix wider than
/// one block ever exists. Rows that have seen no visible key keep Shift = -inf and zero sums.
/// Tensors have a leading layout [..., rows, ·]; gradients flow through the sums, never through the shift.
/// </summary>
internal sealed class OnlineSoftmax : IDisposable
{
    private Tensor? shift;
    private Tensor? sum;
    private Tensor? accumulator;

    /// <summary>Folds in a block of scores [..., rows, n] (already scaled and masked with -inf) and its values [..., n, d_v].</summary>
    /// <remarks>The scores tensor is consumed: it is overwritten in place with the block's weights.</remarks>
    public void AddScores(Tensor scores, Tensor values)
    {
        using var scope = NewDisposeScope();
        using var blockMax = scores.detach().amax([-1], keepdim: true);
        var (newShift, safe) = Merge(blockMax);
        var weights = scores.sub_(safe).exp_();
        Fold(newShift, safe, weights.sum(-1, keepdim: true), matmul(weights, values));
    }

    /// <summary>
    /// Folds in one term with weight W = weight * exp(logScale) and weighted value N = numerator * exp(logScale) per row, where
    /// <paramref name="logMagnitude"/> = log |W| (or -inf when W is zero or unusable). Used for the NTK prefix term phi(q) k.
    /// </summary>
    public void AddTerm(Tensor logMagnitude, Tensor logScale, Tensor weight, Tensor numerator)
    {
        using var scope = NewDisposeScope();
        var (newShift, safe) = Merge(logMagnitude.detach());
        // factor <= 1 / |weight| once the shift covers log |W|; the clamp only matters for a W within e^-87 of zero,
        // where it keeps 0 * inf from turning a vanishing term into NaN.
        var factor = (logScale.detach() - safe).clamp_max(MaxExponent(safe.dtype)).exp();
        Fold(newShift, safe, weight * factor, numerator * factor);
    }

    /// <summary>Accumulator / Sum, with 0 for rows whose sum is exactly 0 (no visible key and no prefix term).</summary>
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
        sum?.Dispose();
        accumulator?.Dispose();
    }

    private static double MaxExponent(ScalarType dtype) => dtype == ScalarType.Float32 ? 80.0 : 700.0;

    // The new shift (max of the old one and the block's), and a finite stand-in (0 where no finite log-weight exists yet).
    private (Tensor Shift, Tensor Safe) Merge(Tensor blockShift)
    {
        var merged = shift is null ? blockShift.clone() : maximum(shift, blockShift);
        var safe = where(merged.isfinite(), merged, zeros_like(merged));
        return (merged, safe);
    }

    private void Fold(Tensor newShift, Tensor safe, Tensor blockSum, Tensor blockAccumulator)
    {
        Tensor newSum, newAccumulator;
        if (shift is null)
        {
            newSum = blockSum;
            newAccumulator = blockAccumulator;
        }
        else
        {
            // Rescale the old state from its shift to the new one; rows with no finite shift yet hold zeros.
            var oldSafe = where(shift.isfinite(), shift, safe);
            var alpha = (oldSafe - safe).exp();
            newSum = (sum! * alpha) + blockSum;
            newAccumulator = (accumulator! * alpha) + blockAccumulator;
        }

        Dispose();
        shift = newShift.DetachFromDisposeScope();
        sum = newSum.DetachFromDisposeScope();
        accumulator = newAccumulator.DetachFromDisposeScope();
    }
}
