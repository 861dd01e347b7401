using System.Diagnostics;
using NtkProofs.Kernels;
using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>One row of the kernel benchmark.</summary>
/// <param name="Path">Value path.</param>
/// <param name="PrefixLength">m.</param>
/// <param name="OutputDim">c.</param>
/// <param name="KernelSeconds">Minimum wall time of <see cref="EmpiricalKernel.Compute"/>.</param>
/// <param name="GemmSeconds">Minimum wall time of the same matrix products alone (no exponentials or elementwise passes).</param>
/// <param name="Flops">Floating-point operations counted for the matrix products.</param>
public sealed record KernelBenchmarkRow(ValuePath Path, int PrefixLength, int OutputDim, double KernelSeconds, double GemmSeconds, double Flops)
{
    /// <summary>Achieved GFLOP/s of the kernel, end to end.</summary>
    public double KernelGflops => Flops / KernelSeconds / 1e9;

    /// <summary>GFLOP/s of the plain products.</summary>
    public double GemmGflops => Flops / GemmSeconds / 1e9;

    /// <summary>Kernel rate / plain product rate.</summary>
    public double Ratio => GemmSeconds / KernelSeconds;

    /// <summary>The same case measured again (another round): the minimum of each time.</summary>
    /// <param name="other">The same path, m and c from another round.</param>
    public KernelBenchmarkRow Merge(KernelBenchmarkRow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Path != Path || other.PrefixLength != PrefixLength || other.OutputDim != OutputDim
            ? throw new ArgumentException("can only merge rows of the same path, m and c", nameof(other))
            : this with { KernelSeconds = Math.Min(KernelSeconds, other.KernelSeconds), GemmSeconds = Math.Min(GemmSeconds, other.GemmSeconds) };
    }
}

/// <summary>
/// Times the empirical kernel against plain float64 matrix products of the same shapes, in the same process, taking the
/// minimum over repetitions (the least-disturbed run).
/// </summary>
public static class KernelBenchmark
{
    /// <summary>Measures one configuration.</summary>
    /// <param name="path">Value path.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="c">Output dimension (fixed, separate); d on the tied path.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="repetitions">Timed repetitions after one warm-up.</param>
    public static KernelBenchmarkRow Measure(ValuePath path, int n, int d, int c, int m, int repetitions)
    {
        var spec = PrefixModelSpec.Create(path, d, m, 1.0, c);
        c = spec.OutputDim;
        using var model = PrefixModel.Initialize(spec, 1);
        using var x = InputSets.UnitSphere(n, d, 2, 0.99);
        double kernel = MinTime(repetitions, () =>
        {
            using var h = EmpiricalKernel.Compute(model, x);
        });

        using var factor = randn(n * c, m, dtype: ScalarType.Float64);
        using var s = randn(n, m, dtype: ScalarType.Float64);
        double gemm = MinTime(repetitions, () =>
        {
            using var scope = NewDisposeScope();
            _ = x.mm(model.Prefix.t());
            _ = factor.mm(factor.t());
            if (path != ValuePath.FixedValue)
            {
                _ = s.mm(s.t());
            }

            if (path == ValuePath.TiedValue)
            {
                _ = s.mm(factor.t());
            }
        });

        double flops = PerfFlops.Kernel(path, n, d, c, m);
        return new KernelBenchmarkRow(path, m, c, kernel, gemm, flops);
    }

    /// <summary>GFLOP/s of a square float64 product of size <paramref name="size"/> (the machine's GEMM rate).</summary>
    /// <param name="size">Matrix size.</param>
    /// <param name="repetitions">Timed repetitions.</param>
    public static double SquareGemmGflops(int size, int repetitions)
    {
        using var a = randn(size, size, dtype: ScalarType.Float64);
        using var b = randn(size, size, dtype: ScalarType.Float64);
        double t = MinTime(repetitions, () =>
        {
            using var c = a.mm(b);
        });
        return 2.0 * size * size * size / t / 1e9;
    }

    private static double MinTime(int repetitions, Action action)
    {
        action();
        double best = double.PositiveInfinity;
        for (int i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        return best;
    }
}
