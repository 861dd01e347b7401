using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Runs experiments/baselines/kernel_baseline.py (the NumPy fs_kernel formulation of the empirical kernel, float64) once per
/// round, with the BLAS thread count fixed through OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS, and parses its
/// JSON. A baseline on the reference BLAS is refused (<see cref="BlasLibraries.RefusalReason"/>).
/// </summary>
public static class KernelBaseline
{
    /// <summary>The script's path relative to the repository root.</summary>
    public const string ScriptPath = "experiments/baselines/kernel_baseline.py";

    /// <summary>Runs the script once.</summary>
    /// <param name="python">The interpreter (Debian's /usr/bin/python3 with python3-numpy).</param>
    /// <param name="script">The script, normally <see cref="FindScript"/>.</param>
    /// <param name="cases">(variant: fixed, separate or tied; m) per case.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="c">Output dimension of fixed and separate.</param>
    /// <param name="threads">BLAS threads.</param>
    /// <param name="repetitions">Least timed calls per case.</param>
    /// <param name="maxRepetitions">Most timed calls per case.</param>
    /// <param name="secondsPerCase">No call beyond the minimum starts after this.</param>
    /// <param name="gemmSize">Size of the script's square float64 product (0: none).</param>
    /// <param name="seed">Seed of the inputs.</param>
    public static KernelBaselineRun Run(string python, string script, IReadOnlyList<(string Variant, long M)> cases, int n, int d, int c, int threads, int repetitions, int maxRepetitions, double secondsPerCase, int gemmSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(python);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(cases);
        if (!File.Exists(python))
        {
            return new KernelBaselineRun(null, [], $"{python} not found: install Debian's python3-numpy (apt-get install python3-numpy libopenblas0-pthread) to measure the NumPy baseline");
        }

        if (!File.Exists(script))
        {
            return new KernelBaselineRun(null, [], $"baseline script not found: {script}");
        }

        var arguments = new List<string> { script };
        foreach (var (variant, m) in cases)
        {
            arguments.AddRange(["--case", $"{variant}:{Str(m)}"]);
        }

        arguments.AddRange(["--n", Str(n), "--d", Str(d), "--c", Str(c), "--threads", Str(threads), "--repetitions", Str(repetitions), "--max-repetitions", Str(maxRepetitions),
            "--seconds-per-case", secondsPerCase.ToString("R", CultureInfo.InvariantCulture), "--gemm-size", Str(gemmSize), "--seed", Str(seed)]);
        var (exitCode, stdout, stderr) = BaselineProcess.Run(python, arguments, threads);
        return Parse(stdout, exitCode, stderr);
    }

    /// <summary>Parses the script's output: its JSON object, or an error naming the exit code and what it printed.</summary>
    /// <param name="stdout">What the script printed on stdout.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="stderr">What it printed on stderr.</param>
    public static KernelBaselineRun Parse(string stdout, int exitCode, string stderr)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(stdout ?? string.Empty);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new KernelBaselineRun(null, [], $"the NumPy baseline failed (exit {exitCode}): {stderr?.Trim()} {stdout?.Trim()}".Trim());
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new KernelBaselineRun(null, [], $"the NumPy baseline printed no JSON object (exit {exitCode})");
        }

        if (root.TryGetProperty("error", out var error))
        {
            return new KernelBaselineRun(root, [], error.ValueKind == JsonValueKind.String ? error.GetString() : error.ToString());
        }

        try
        {
            var rows = root.GetProperty("results").EnumerateArray().Select(r => new KernelBaselineRow(
                r.GetProperty("variant").GetString()!,
                r.GetProperty("n").GetInt32(),
                r.GetProperty("d").GetInt32(),
                r.GetProperty("c").GetInt32(),
                r.GetProperty("m").GetInt64(),
                r.GetProperty("flops").GetDouble(),
                r.GetProperty("samples").EnumerateArray().Select(e => e.GetDouble()).ToList())).ToList();
            string? refusal = BlasLibraries.RefusalReason(root, "NumPy", "python3-numpy");
            return refusal is null ? new KernelBaselineRun(root, rows, null) : new KernelBaselineRun(root, [], refusal);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return new KernelBaselineRun(root, [], $"the NumPy baseline's JSON lacks a field or has a wrong type: {e.Message}");
        }
    }

    /// <summary>experiments/baselines/&lt;name&gt;, found by walking up from the binary (bin/ lies inside the repository).</summary>
    /// <param name="name">File name in experiments/baselines.</param>
    public static string FindScript(string name = "kernel_baseline.py")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "experiments", "baselines", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine("experiments", "baselines", name);
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
