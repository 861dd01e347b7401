using System.Globalization;
using NtkProofs.FeatureMaps;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The counted work of an attention benchmark row and its rate as a fraction of the same run's float32 GEMM rate.</summary>
public static class AttentionRowRates
{
    /// <summary>
    /// The row's matrix-product work (<see cref="PerfFlops"/>): prefix attention (streamed, dense, plain PyTorch) over m + L keys,
    /// NTK-Attention and the released forward over the L x L block plus the feature terms; forward + backward counted 3.5 times
    /// the forward. NaN for an unknown implementation or feature map.
    /// </summary>
    /// <param name="row">The row.</param>
    /// <param name="heads">Heads H.</param>
    /// <param name="dim">Head dimension d.</param>
    public static double Flops(AttentionBenchmarkRow row, int heads, int dim)
    {
        ArgumentNullException.ThrowIfNull(row);
        double forward;
        switch (row.Impl)
        {
            case "prefix_streamed" or "dense_torchsharp" or "plain_pytorch":
                forward = PerfFlops.PrefixForward(heads, row.Length, row.PrefixLength, dim);
                break;
            case "ntk" or "released_port" or "released_reference":
                long r;
                try
                {
                    r = FeatureMapParser.Parse(string.IsNullOrEmpty(row.Feature) ? "elu1" : row.Feature, dim).R;
                }
                catch (Exception e) when (e is ArgumentException or FormatException)
                {
                    return double.NaN;
                }

                forward = PerfFlops.NtkForward(heads, row.Length, r, dim);
                break;
            default:
                return double.NaN;
        }

        return row.Pass == "forward" ? forward : 3.5 * forward;
    }

    /// <summary>One line per row: time, GFLOP/s and the fraction of the same run's float32 square GEMM rate.</summary>
    /// <param name="rows">The benchmark's rows.</param>
    /// <param name="gemm">The same run's GEMM rates, or null when they were not measured.</param>
    /// <param name="heads">Heads H.</param>
    /// <param name="dim">Head dimension d.</param>
    public static IEnumerable<string> Lines(IReadOnlyList<AttentionBenchmarkRow> rows, GemmRates? gemm, int heads, int dim)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (gemm is null)
        {
            yield return "fractions of the GEMM rate: not measured (a result stored before the GEMM probe)";
            yield break;
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"GEMM rates in this run: float32 {gemm.SquareSize}^2 {gemm.Float32Gflops:0.0} GFLOP/s, batched {gemm.BatchedShape} {gemm.BatchedFloat32Gflops:0.0} GFLOP/s, float64 {gemm.Float64Gflops:0.0} GFLOP/s");
        foreach (var row in rows)
        {
            double flops = Flops(row, heads, dim);
            double rate = flops / row.SecondsMin / 1e9;
            string what = string.Create(CultureInfo.InvariantCulture, $"{row.Side} {row.Impl} {row.Pass} L={row.Length} m={row.PrefixLength}{(row.Feature.Length > 0 ? " " + row.Feature : string.Empty)}{(row.Causal ? " causal" : string.Empty)}");
            yield return double.IsFinite(rate)
                ? string.Create(CultureInfo.InvariantCulture, $"{what}: {row.SecondsMin * 1e3:0.00} ms, {rate:0.0} GFLOP/s, {rate / gemm.Float32Gflops:P0} of float32 GEMM")
                : string.Create(CultureInfo.InvariantCulture, $"{what}: {row.SecondsMin * 1e3:0.00} ms");
        }
    }
}
