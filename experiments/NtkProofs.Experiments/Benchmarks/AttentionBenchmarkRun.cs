using System.Diagnostics;
using System.Text.Json;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The outcome of a whole attention benchmark run (both sides, all rounds, memory).</summary>
/// <param name="Rows">Every measured case (C# and PyTorch), minimum and median over the merged samples.</param>
/// <param name="Summary">Ratios, crossovers, flatness and memory ranges.</param>
/// <param name="PythonInfo">What the Python side reported about itself (torch version, threads, BLAS), if it ran.</param>
/// <param name="PythonError">Why the Python side did not run, or null.</param>
/// <param name="LoadBefore">Load average before the run.</param>
/// <param name="LoadAfter">Load average after the run.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Gemm">The same run's GEMM rates (TorchSharp, same threads), the reference of each row's fraction.</param>
public sealed record AttentionBenchmarkResult(IReadOnlyList<AttentionBenchmarkRow> Rows, AttentionBenchmarkSummary Summary, JsonElement? PythonInfo, string? PythonError, string LoadBefore, string LoadAfter, TimeSpan Elapsed, GemmRates? Gemm = null);

/// <summary>
/// Runs the attention benchmark as <c>ntkproofs bench attention</c> does: rounds alternating the C# cases and the PyTorch
/// baselines (samples merged over rounds, minimum reported), then the peak memory of the C# cases.
/// </summary>
public static class AttentionBenchmarkRun
{
    /// <summary>Runs every round and returns the merged result.</summary>
    /// <param name="options">Grid and repetitions.</param>
    /// <param name="python">Python with PyTorch for the baselines, or "none".</param>
    /// <param name="threads">Threads on both sides.</param>
    /// <param name="log">Progress messages.</param>
    public static AttentionBenchmarkResult Execute(AttentionBenchmarkOptions options, string python, int threads, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        string loadBefore = LoadAverage();
        string script = FindBaselineScript();
        using var bench = new AttentionBenchmark(options);
        using var probe = new GemmProbe(options.GemmSize, options.Heads, options.Lengths.Max(), options.Dim, Math.Min(options.BlockSize > 0 ? options.BlockSize : NtkProofs.Attention.PrefixAttention.BlockSizeFor((long)options.Heads * options.Lengths.Max()), options.PrefixLengths.Max()), options.Repetitions, options.MaxRepetitions, options.SecondsPerCase, options.Placement);
        var pythonSamples = new List<(AttentionBenchmarkRow Row, List<double> Samples)>();
        JsonElement? pythonInfo = null;
        string? pythonError = python == "none" ? "skipped (--python none)" : null;
        for (int round = 1; round <= options.Rounds; round++)
        {
            bool last = round == options.Rounds;
            log?.Invoke(FormattableString.Invariant($"round {round}/{options.Rounds}: timing the C# side ..."));
            probe.TimeRound();
            bench.TimeRound();
            if (pythonError is null)
            {
                log?.Invoke(FormattableString.Invariant($"round {round}/{options.Rounds}: timing the PyTorch baselines with {python}{(last ? " (and their peak memory)" : string.Empty)} ..."));
                var (baselineInfo, pythonRows, error) = AttentionBenchmark.RunPython(python, script, options, threads, measureMemory: last);
                pythonInfo = baselineInfo ?? pythonInfo;
                pythonError = error ?? BlasLibraries.RefusalReason(baselineInfo);
                if (pythonError is not null)
                {
                    // A refused baseline (reference BLAS) contributes no timings, so no ratio is reported against it.
                    pythonSamples.Clear();
                    pythonRows = [];
                }
                foreach (var (row, samples) in pythonRows)
                {
                    int index = pythonSamples.FindIndex(p => p.Row.SameCase(row));
                    if (index < 0)
                    {
                        pythonSamples.Add((row, [.. samples]));
                    }
                    else
                    {
                        pythonSamples[index].Samples.AddRange(samples);
                        pythonSamples[index] = (row.PeakExtraMiB is null ? pythonSamples[index].Row : row, pythonSamples[index].Samples);
                    }
                }
            }
        }

        log?.Invoke("peak memory of the C# cases ...");
        bench.MeasureMemory();
        string loadAfter = LoadAverage();
        var rows = bench.Rows().ToList();
        rows.AddRange(pythonSamples.Select(p =>
        {
            var sorted = p.Samples.Order().ToList();
            return p.Row with { SecondsMin = sorted[0], SecondsMedian = sorted[sorted.Count / 2], Repetitions = sorted.Count };
        }));
        return new AttentionBenchmarkResult(rows, AttentionBenchmarkSummary.From(rows, options), pythonInfo, pythonError, loadBefore, loadAfter, clock.Elapsed, probe.Rates);
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "unknown".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    // experiments/baselines/attention_baseline.py, found by walking up from the binary (bin/ lies inside the repository).
    private static string FindBaselineScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "experiments", "baselines", "attention_baseline.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine("experiments", "baselines", "attention_baseline.py");
    }
}
