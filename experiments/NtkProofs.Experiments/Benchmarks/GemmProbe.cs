using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Measures <see cref="GemmRates"/> with TorchSharp in this process: square float64 and float32 products and a batched float32
/// product [H, L, d] x [H, d, b]. Call <see cref="TimeRound"/> once per round (interleaved with the timed work, so that a
/// burst of load hits both) and read <see cref="Rates"/> at the end. The instance owns its input tensors.
/// </summary>
public sealed class GemmProbe : IDisposable
{
    private readonly Tensor a64, b64, a32, b32, left, right;
    private readonly List<double> square64 = [], square32 = [], batched = [];
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
    }

    private readonly NtkProofs.Numerics.DevicePlacement placement;

    /// <summary>Times every product once more (one round).</summary>
    public void TimeRound()
    {
        square64.AddRange(BenchTiming.Samples(() => { using var c = a64.mm(b64); }, repetitions, maxRepetitions, budget, placement));
        square32.AddRange(BenchTiming.Samples(() => { using var c = a32.mm(b32); }, repetitions, maxRepetitions, budget, placement));
        batched.AddRange(BenchTiming.Samples(() => { using var c = left.bmm(right); }, repetitions, maxRepetitions, budget, placement));
    }

    /// <summary>The rates from the fastest sample of each product (NaN before the first round).</summary>
    public GemmRates Rates => new(
        size,
        Rate(PerfFlops.Square(size), square64),
        Rate(PerfFlops.Square(size), square32),
        FormattableString.Invariant($"[{heads}, {length}, {dim}] x [{heads}, {dim}, {columns}]"),
        Rate(PerfFlops.Batched(heads, length, dim, columns), batched),
        TorchRuntime.Threads);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { a64, b64, a32, b32, left, right })
        {
            t.Dispose();
        }
    }

    private static double Rate(double flops, List<double> samples) => samples.Count == 0 ? double.NaN : flops / samples.Min() / 1e9;
}
