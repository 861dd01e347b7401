using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Model;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>The work the performance goals count, against the issue's formulas written out by hand.</summary>
public sealed class PerfFlopsTests
{
    /// <summary>Fixed with c = 1 is 2 n m (n + d); separate adds 2 n^2 m; tied (c = d) adds the cross product 2 n^2 d m.</summary>
    [Fact]
    public void Kernel_work_is_the_issues_count()
    {
        const long n = 64, d = 16, m = 1L << 16;
        Assert.Equal(2.0 * n * m * (n + d), PerfFlops.Kernel(ValuePath.FixedValue, n, d, 1, m));
        Assert.Equal((2.0 * n * m * (n + d)) + (2.0 * n * n * m), PerfFlops.Kernel(ValuePath.SeparateValue, n, d, 1, m));
        double tied = (2.0 * n * m * d) + (2.0 * (n * d) * (n * d) * m) + (2.0 * n * n * m) + (2.0 * n * n * d * m);
        Assert.Equal(tied, PerfFlops.Kernel(ValuePath.TiedValue, n, d, d, m));
        Assert.Equal(671_088_640.0, PerfFlops.Kernel(ValuePath.FixedValue, n, d, 1, m));
    }

    /// <summary>
    /// The floor's kernel work halves the symmetric Gram products only: fixed 2 n m d + n^2 m; separate adds n^2 m; tied keeps
    /// its cross product 2 n^2 d m whole. The exponentials: one per sample and prefix row (n m); the attention's one per score.
    /// </summary>
    [Fact]
    public void Floor_work_halves_the_symmetric_products()
    {
        const long n = 64, d = 16, m = 1L << 16;
        Assert.Equal((2.0 * n * m * d) + (1.0 * n * n * m), PerfFlops.KernelFloor(ValuePath.FixedValue, n, d, 1, m));
        Assert.Equal((2.0 * n * m * d) + (2.0 * n * n * m), PerfFlops.KernelFloor(ValuePath.SeparateValue, n, d, 1, m));
        double tied = (2.0 * n * m * d) + (1.0 * (n * d) * (n * d) * m) + (1.0 * n * n * m) + (2.0 * n * n * d * m);
        Assert.Equal(tied, PerfFlops.KernelFloor(ValuePath.TiedValue, n, d, d, m));
        Assert.Equal(1.0 * n * m, PerfFlops.KernelExps(n, m));
        Assert.Equal(8.0 * 128 * (m + 128), PerfFlops.PrefixForwardExps(8, 128, m));
        Assert.Equal(2 * PerfFlops.PrefixForwardExps(8, 128, m), PerfFlops.PrefixForwardBackwardExps(8, 128, m));
        Assert.Equal(8.0 * 512 * (512 + 64), PerfFlops.NtkForwardExps(8, 512, 64));
    }

    /// <summary>The kernel benchmark's rows count the same work as the goals.</summary>
    [Fact]
    public void The_kernel_benchmark_counts_the_same_work()
    {
        var row = KernelBenchmark.Measure(ValuePath.SeparateValue, 4, 3, 1, 16, 1);
        Assert.Equal(PerfFlops.Kernel(ValuePath.SeparateValue, 4, 3, 1, 16), row.Flops);
        Assert.True(row.KernelSeconds > 0 && row.GemmSeconds > 0);
    }

    /// <summary>Prefix attention is 4 H L (m + L) d; with the recomputing backward 3.5 times that; NTK 4 H L^2 d + 2 H L r (d + 1).</summary>
    [Fact]
    public void Attention_work_is_the_issues_count()
    {
        Assert.Equal(4.0 * 8 * 512 * (65536 + 512) * 64, PerfFlops.PrefixForward(8, 512, 65536, 64));
        Assert.Equal(69_256_347_648.0, PerfFlops.PrefixForward(8, 512, 65536, 64));
        Assert.Equal(3.5 * PerfFlops.PrefixForward(8, 128, 4096, 64), PerfFlops.PrefixForwardBackward(8, 128, 4096, 64));
        Assert.Equal((4.0 * 8 * 512 * 512 * 64) + (2.0 * 8 * 512 * 64 * 64) + (2.0 * 8 * 512 * 64), PerfFlops.NtkForward(8, 512, 64, 64));
        Assert.Equal(2.0 * 1024 * 1024 * 1024, PerfFlops.Square(1024));
        Assert.Equal(2.0 * 8 * 512 * 64 * 1024, PerfFlops.Batched(8, 512, 64, 1024));
    }

    /// <summary>The attention bench's rows take their work from the same counts; unknown rows have none.</summary>
    [Fact]
    public void Attention_bench_rows_count_the_same_work()
    {
        var template = new AttentionBenchmarkRow("prefix_streamed", "forward", 128, 4096, string.Empty, false, 0.01, 0.01, 1, null, "csharp");
        Assert.Equal(PerfFlops.PrefixForward(8, 128, 4096, 64), AttentionRowRates.Flops(template, 8, 64));
        Assert.Equal(PerfFlops.PrefixForwardBackward(8, 128, 4096, 64), AttentionRowRates.Flops(template with { Pass = "forward+backward" }, 8, 64));
        Assert.Equal(PerfFlops.PrefixForward(8, 128, 4096, 64), AttentionRowRates.Flops(template with { Impl = "plain_pytorch", Side = "python" }, 8, 64));
        Assert.Equal(PerfFlops.NtkForward(8, 128, 64, 64), AttentionRowRates.Flops(template with { Impl = "ntk", Feature = "elu1", PrefixLength = 0 }, 8, 64));
        Assert.Equal(PerfFlops.NtkForward(8, 128, 64, 64), AttentionRowRates.Flops(template with { Impl = "released_reference", Feature = "elu1", PrefixLength = 0 }, 8, 64));
        Assert.True(double.IsNaN(AttentionRowRates.Flops(template with { Impl = "something_else" }, 8, 64)));
        Assert.True(double.IsNaN(AttentionRowRates.Flops(template with { Impl = "ntk", Feature = "no-such-map" }, 8, 64)));

        var gemm = new GemmRates(1024, 10, 20, "[8, 128, 64] x [8, 64, 1024]", 25, 2);
        var lines = AttentionRowRates.Lines([template], gemm, 8, 64).ToList();
        double fraction = PerfFlops.PrefixForward(8, 128, 4096, 64) / 0.01 / 1e9 / 20;
        Assert.Contains(lines, l => l.StartsWith("csharp prefix_streamed forward L=128 m=4096: 10.00 ms", StringComparison.Ordinal) && l.EndsWith(fraction.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) + " of float32 GEMM", StringComparison.Ordinal));
        Assert.Equal(["fractions of the GEMM rate: not measured (a result stored before the GEMM probe)"], AttentionRowRates.Lines([template], null, 8, 64));
    }

    /// <summary>Merging the kernel benchmark's rounds keeps the minimum of each time and refuses another case.</summary>
    [Fact]
    public void Kernel_rows_merge_to_the_minimum_over_rounds()
    {
        var a = new KernelBenchmarkRow(ValuePath.FixedValue, 16, 1, 2.0, 1.0, 100);
        var merged = a.Merge(a with { KernelSeconds = 1.5, GemmSeconds = 3.0 });
        Assert.Equal(1.5, merged.KernelSeconds);
        Assert.Equal(1.0, merged.GemmSeconds);
        Assert.Throws<ArgumentException>(() => a.Merge(a with { PrefixLength = 32 }));
    }
}
