using System.Globalization;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The performance-goal table of a <see cref="PerfResult"/>, as cells (for the console) and as Markdown (for the report).</summary>
public static class PerfTable
{
    /// <summary>The column headers.</summary>
    public static readonly string[] Columns = ["goal", "sizes", "ours ms", "floor ms", "GFLOP/s", "of GEMM", "peer", "peer ms", "peer / ours", "targets", "verdict"];

    /// <summary>One row of cells per goal.</summary>
    /// <param name="result">The measured goals.</param>
    public static IReadOnlyList<string[]> Cells(PerfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Rows.Select(r => new[]
        {
            r.Goal,
            r.Sizes,
            Number(r.Seconds * 1e3, "0.00"),
            r.FloorSeconds is { } floor ? Number(floor * 1e3, "0.00") : "-",
            Number(r.Gflops, "0.0"),
            double.IsFinite(r.GemmFraction) ? r.GemmFraction.ToString("P0", CultureInfo.InvariantCulture) + " of " + r.Precision : "not measured",
            r.Peer ?? "-",
            r.PeerSeconds is { } p ? Number(p * 1e3, "0.00") : (r.Peer is null ? "-" : "not measured"),
            r.RatioToPeer is { } ratio ? Number(ratio, "0.00") + "x" : (r.Peer is null ? "-" : "not measured"),
            string.Join("; ", r.Targets.Select(t => t.Describe())),
            r.MetText,
        }).ToList();
    }

    /// <summary>The context lines: GEMM rates, peers, threads, load, sizes.</summary>
    /// <param name="result">The measured goals.</param>
    public static IEnumerable<string> Context(PerfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var g = result.Gemm;
        yield return I($"GEMM rates in this run (TorchSharp {result.Threads} threads, device {result.Device}): float64 {g.SquareSize}^2 {g.Float64Gflops:0.0} GFLOP/s, float32 {g.SquareSize}^2 {g.Float32Gflops:0.0} GFLOP/s, batched float32 {g.BatchedShape} {g.BatchedFloat32Gflops:0.0} GFLOP/s");
        yield return g.ExpNs("float64") is { } e64 && g.ExpNs("float32") is { } e32
            ? I($"floor: the counted products (a symmetric Gram product at half: one triangle) at this run's square GEMM rate plus every exponential at libtorch's exp rate of this run (float64 {e64:0.000} ns, float32 {e32:0.000} ns per element), the least time these rates allow; a target whose value at the floor fails is out of reach on this machine, not a shortfall of the code")
            : "floor: the counted products at this run's square GEMM rate (the exp rate was not probed), a lower bound on the time";
        yield return result.NumpyError is null
            ? I($"NumPy peer: {result.Numpy}; its float64 GEMM {result.NumpyGemmGflops:0.0} GFLOP/s")
            : $"NumPy peer not measured: {result.NumpyError} ({result.Numpy})";
        yield return result.TorchError is null ? $"PyTorch peer: {result.Torch}" : $"PyTorch peer not measured: {result.TorchError} ({result.Torch})";
        yield return I($"{result.Rounds} rounds, minimum over every sample; load average before {result.LoadBefore}, after {result.LoadAfter}; {result.Seconds:0} s");
        if (result.OpenMp.Length > 0)
        {
            yield return $"OpenMP (libtorch's pool): {result.OpenMp}; the peers run without these settings (their libraries' defaults)";
        }
        if (MklSetting.Warning(result.MklCbwr) is { } warning)
        {
            yield return warning;
        }

        if (!result.AtGoalSizes)
        {
            yield return "sizes differ from the goals' (n 64, d 16, c 1, m 2^16; H 8, d_h 64, L 128 and 512, m 2^16; NTK L 512, elu1): the verdicts are indicative only";
        }

        var notes = result.Rows.Select(r => r.Note).OfType<string>().Distinct().ToList();
        foreach (var note in notes)
        {
            yield return "note: " + note;
        }
    }

    /// <summary>The table and its context as Markdown lines.</summary>
    /// <param name="result">The measured goals.</param>
    public static IEnumerable<string> Markdown(PerfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        yield return "| " + string.Join(" | ", Columns) + " |";
        yield return "|" + string.Concat(Columns.Select(_ => "---|"));
        foreach (var cells in Cells(result))
        {
            cells[^1] = "**" + cells[^1] + "**";
            yield return "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";
        }

        yield return string.Empty;
        foreach (var line in Context(result))
        {
            yield return "- " + line;
        }
    }

    private static string Number(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "not measured";

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
