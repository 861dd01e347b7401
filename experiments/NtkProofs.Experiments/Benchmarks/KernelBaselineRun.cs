using System.Text.Json;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>What one run of the NumPy kernel baseline returned.</summary>
/// <param name="Info">The script's JSON (versions, BLAS, threads, results), or null when it printed none.</param>
/// <param name="Rows">The timed cases (empty on an error).</param>
/// <param name="Error">Why the baseline gave no timings, or null.</param>
public sealed record KernelBaselineRun(JsonElement? Info, IReadOnlyList<KernelBaselineRow> Rows, string? Error)
{
    /// <summary>GFLOP/s of the script's square float64 product (NaN when it did not report one).</summary>
    public double GemmGflops =>
        Info is { ValueKind: JsonValueKind.Object } i && i.TryGetProperty("gemm", out var g) && g.ValueKind == JsonValueKind.Object
            && g.TryGetProperty("gflops", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : double.NaN;

    /// <summary>One line on the peer: NumPy version, interpreter, BLAS libraries loaded and BLAS threads.</summary>
    public string Describe()
    {
        if (Info is not { ValueKind: JsonValueKind.Object } i || !i.TryGetProperty("numpy", out _))
        {
            return "no NumPy baseline ran";
        }

        string blasThreads = i.TryGetProperty("blas_threads", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        return $"NumPy {Text(i, "numpy")} ({Text(i, "executable")}), BLAS loaded: {string.Join(", ", BlasLibraries.Loaded(i))}, BLAS threads {blasThreads}";
    }

    private static string Text(JsonElement info, string name) =>
        info.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown";
}
