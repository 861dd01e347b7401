using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Measures <see cref="GemmRates"/> with TorchSharp in this process: square float64 and float32 products and a batched float32
/// product [H, L, d] x [H, d, b], and libtorch's in-place exp per element in both precisions (for the floors). Call <see cref="TimeRound"/> once per round (interleaved with the timed work, so that a
/// burst of load hits both) and read <see cref="Rates"/> at the end. The instance owns its input tensors.
/// </summary>
public sealed class GemmProbe : IDisposable
{
    /// <summary>Elements of the exp probe (2^21: 8 MiB in float32, one streamed block's scores).</summary>
    public const long ExpElements = 1L << 21;

    private readonly Tensor a64, b64, a32, b32, left, right, expSource64, expTarget64, expSource32, expTarget32;
    private readonly List<double> square64 = [], square32 = [], batched = [], copy64 = [], exp64 = [], copy32 = [], exp32 = [];
    private readonly int size, repetitions, maxRepetitions;
    private readonly double budget;
    private readonly long heads, length, dim, columns;

    /// <summary>Creates the inputs.</summary>
    /// <param name="size">Size of the square products (at least 1).</param>
    /// <param name="heads">H of the batched product.</param>
    /// <param name="length">L of the batched product.</param>
    /// <param name="dim">d of the batched product.</param>
    /// <param name="columns">b of the batched product.</param>
    /// <param name="repetitions">Least timed repetitions per round.</param>
    /// <param name="maxRepetitions">Most timed repetitions per round.</param>
    /// <param name="secondsPerCase">Budget per product and round.</param>
    /// <param name="placement">Device of the products (null: the CPU); on CUDA each timed product waits for the device.</param>
    public GemmProbe(int size, long heads, long length, long dim, long columns, int repetitions, int maxRepetitions = 30, double secondsPerCase = 0.5, NtkProofs.Numerics.DevicePlacement? placement = null)
    {
        if (size < 1 || heads < 1 || length < 1 || dim < 1 || columns < 1 || repetitions < 1 || maxRepetitions < repetitions)
        {
            throw new ArgumentException($"GEMM probe: need size, heads, length, dim, columns, repetitions >= 1 and max repetitions >= repetitions, got {size}, {heads}, {length}, {dim}, {columns}, {repetitions}, {maxRepetitions}");
        }

        (this.size, this.heads, this.length, this.dim, this.columns, this.repetitions, this.maxRepetitions, budget) = (size, heads, length, dim, columns, repetitions, maxRepetitions, secondsPerCase);
        this.placement = placement ?? NtkProofs.Numerics.DevicePlacement.Cpu;
        var device = this.placement.Device;
        a64 = randn(size, size, dtype: ScalarType.Float64, device: device);
        b64 = randn(size, size, dtype: ScalarType.Float64, device: device);
        a32 = randn(size, size, dtype: ScalarType.Float32, device: device);
        b32 = randn(size, size, dtype: ScalarType.Float32, device: device);
        left = randn(heads, length, dim, dtype: ScalarType.Float32, device: device);
        right = randn(heads, dim, columns, dtype: ScalarType.Float32, device: device);

        // Scores-like arguments in [-8, 0]: exp's cost does not depend on them, and repeated runs stay finite.
        expSource64 = rand(ExpElements, dtype: ScalarType.Float64, device: device).mul_(-8);
        expTarget64 = empty_like(expSource64);
        expSource32 = rand(ExpElements, dtype: ScalarType.Float32, device: device).mul_(-8);
        expTarget32 = empty_like(expSource32);
    }

    private readonly NtkProofs.Numerics.DevicePlacement placement;

    /// <summary>Times every product once more (one round).</summary>
    public void TimeRound()
    {
        square64.AddRange(BenchTiming.Samples(() => { using var c = a64.mm(b64); }, repetitions, maxRepetitions, budget, placement));
        square32.AddRange(BenchTiming.Samples(() => { using var c = a32.mm(b32); }, repetitions, maxRepetitions, budget, placement));
        batched.AddRange(BenchTiming.Samples(() => { using var c = left.bmm(right); }, repetitions, maxRepetitions, budget, placement));

        // exp_ in place after a copy, less the copy alone: libtorch's exp cost per element. The two are timed alternately, so
        // that a burst of load hits both minima alike.
        TimeAlternately(() => expTarget64.copy_(expSource64), () => expTarget64.copy_(expSource64).exp_(), copy64, exp64);
        TimeAlternately(() => expTarget32.copy_(expSource32), () => expTarget32.copy_(expSource32).exp_(), copy32, exp32);
    }

    /// <summary>Pairs of timed calls of the copy alone and of copy plus exp per round.</summary>
    public const int ExpPairs = 12;

    private void TimeAlternately(Action copy, Action copyAndExp, List<double> copyTimes, List<double> bothTimes)
    {
        copyAndExp();
        for (int i = 0; i < ExpPairs; i++)
        {
            copyTimes.Add(BenchTiming.Once(copy, placement));
            bothTimes.Add(BenchTiming.Once(copyAndExp, placement));
        }
    }

    /// <summary>The rates from the fastest sample of each product (NaN before the first round).</summary>
    public GemmRates Rates => new(
        size,
        Rate(PerfFlops.Square(size), square64),
        Rate(PerfFlops.Square(size), square32),
        FormattableString.Invariant($"[{heads}, {length}, {dim}] x [{heads}, {dim}, {columns}]"),
        Rate(PerfFlops.Batched(heads, length, dim, columns), batched),
        TorchRuntime.Threads,
        ExpNs(exp64, copy64),
        ExpNs(exp32, copy32));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { a64, b64, a32, b32, left, right, expSource64, expTarget64, expSource32, expTarget32 })
        {
            t.Dispose();
        }
    }

    // Null (not probed) when the difference is not positive: a floor without exps is still a lower bound.
    private static double? ExpNs(List<double> withExp, List<double> copyOnly) =>
        withExp.Count == 0 || copyOnly.Count == 0 || withExp.Min() <= copyOnly.Min() ? null : (withExp.Min() - copyOnly.Min()) / ExpElements * 1e9;

    private static double Rate(double flops, List<double> samples) => samples.Count == 0 ? double.NaN : flops / samples.Min() / 1e9;
}
