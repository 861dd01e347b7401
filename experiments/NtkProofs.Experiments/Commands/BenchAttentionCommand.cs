using System.CommandLine;
using System.Globalization;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs bench attention</c>: time and peak memory of PrefixAttention (streamed) versus NtkAttention over m, the crossover
/// m*, and ratios against plain PyTorch softmax attention and the released forward pass measured in the same run.
/// Writes bench-attention.csv and bench-attention.json.
/// </summary>
public static class BenchAttentionCommand
{
    /// <summary>The <c>attention</c> subcommand of <c>bench</c>.</summary>
    public static Command Build()
    {
        var defaults = new AttentionBenchmarkOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for bench-attention.csv and bench-attention.json (created if missing).", Required = true };
        var lengths = new Option<int[]>("--length") { Description = "Input lengths L.", DefaultValueFactory = _ => [.. defaults.Lengths], AllowMultipleArgumentsPerToken = true };
        var from = new Option<int>("--from") { Description = "Smallest m = 2^from.", DefaultValueFactory = _ => defaults.MinLog2 };
        var to = new Option<int>("--to") { Description = "Largest m = 2^to.", DefaultValueFactory = _ => defaults.MaxLog2 };
        var backwardTo = new Option<int>("--backward-to") { Description = "Largest m = 2^x with forward+backward timed.", DefaultValueFactory = _ => defaults.BackwardMaxLog2 };
        var plainTo = new Option<int>("--plain-to") { Description = "Largest m = 2^x for the materialized baselines (TorchSharp and PyTorch).", DefaultValueFactory = _ => defaults.PlainMaxLog2 };
        var heads = new Option<int>("--heads") { Description = "Heads.", DefaultValueFactory = _ => defaults.Heads };
        var dim = new Option<int>("--dim") { Description = "Head dimension d_h.", DefaultValueFactory = _ => defaults.Dim };
        var features = new Option<string[]>("--feature") { Description = "Feature maps of NtkAttention.", DefaultValueFactory = _ => [.. defaults.FeatureMaps], AllowMultipleArgumentsPerToken = true };
        var reps = new Option<int>("--repetitions") { Description = "Least timed repetitions per case and round after a warm-up (cheap cases repeat up to 30 times within 0.5 s; a warm-up slower than 1 s counts as one); the minimum is reported.", DefaultValueFactory = _ => defaults.Repetitions };
        var rounds = new Option<int>("--rounds") { Description = "Rounds over all cases (C# then Python, repeated); samples of all rounds are merged.", DefaultValueFactory = _ => defaults.Rounds };
        var step = new Option<int>("--step") { Description = "m grows by 2^step between grid points.", DefaultValueFactory = _ => defaults.Step };
        var block = new Option<long>("--block") { Description = "Prefix keys per block of the streamed prefix attention.", DefaultValueFactory = _ => defaults.BlockSize };
        var threads = new Option<int>("--threads") { Description = "Threads on both sides (TorchSharp and PyTorch).", DefaultValueFactory = _ => 2 };
        var python = new Option<string>("--python") { Description = "Python with PyTorch for the baselines ('none' to skip).", DefaultValueFactory = _ => "/usr/bin/python3" };
        var command = new Command("attention", "PrefixAttention (streamed) versus NtkAttention over m, crossover m*, and ratios to plain PyTorch attention and the released forward, float32, batch 1.")
        {
            output, lengths, from, to, step, backwardTo, plainTo, heads, dim, features, reps, rounds, block, threads, python,
        };
        command.SetAction(parse =>
        {
            var o = new AttentionBenchmarkOptions
            {
                Lengths = parse.GetValue(lengths)!,
                MinLog2 = parse.GetValue(from),
                MaxLog2 = parse.GetValue(to),
                BackwardMaxLog2 = parse.GetValue(backwardTo),
                PlainMaxLog2 = parse.GetValue(plainTo),
                Heads = parse.GetValue(heads),
                Dim = parse.GetValue(dim),
                FeatureMaps = parse.GetValue(features)!,
                Repetitions = parse.GetValue(reps),
                Rounds = parse.GetValue(rounds),
                Step = parse.GetValue(step),
                BlockSize = parse.GetValue(block),
            };
            if (o.Lengths.Count == 0 || o.Lengths.Any(l => l < 1) || o.MinLog2 < 0 || o.MaxLog2 < o.MinLog2 || o.MaxLog2 > 24 || o.Heads < 1 || o.Dim < 1 || o.Repetitions < 1 || o.Rounds < 1 || o.Step < 1 || o.BlockSize < 1 || o.FeatureMaps.Count == 0)
            {
                throw new CliInputException("need lengths >= 1, 0 <= from <= to <= 24, heads, dim, repetitions, rounds, step, block >= 1 and at least one feature map");
            }

            foreach (var spec in o.FeatureMaps)
            {
                try
                {
                    _ = NtkProofs.FeatureMaps.FeatureMapParser.Parse(spec, o.Dim);
                }
                catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
                {
                    throw new CliInputException($"--feature: {e.Message}", e);
                }
            }

            int t = parse.GetValue(threads);
            TorchRuntime.Configure(t);
            return Run(o, parse.GetValue(output)!, parse.GetValue(python)!, TorchRuntime.Threads, CommandLineText.Of(parse));
        });
        return command;
    }

    private static int Run(AttentionBenchmarkOptions o, DirectoryInfo outDir, string python, int threads, string commandLine)
    {
        var result = AttentionBenchmarkRun.Execute(o, python, threads, message => Console.Error.WriteLine(message));
        var (rows, pythonInfo, pythonError, loadBefore, loadAfter, clock) = (result.Rows.ToList(), result.PythonInfo, result.PythonError, result.LoadBefore, result.LoadAfter, result.Elapsed);
        var summary = AttentionBenchmarkSummary.From(rows, o);
        var csv = new CsvTable("side", "impl", "pass", "L", "m", "feature", "causal", "seconds_min", "seconds_median", "repetitions", "peak_extra_mib");
        foreach (var r in rows)
        {
            csv.Add(r.Side, r.Impl, r.Pass, r.Length, r.PrefixLength, r.Feature, r.Causal, r.SecondsMin, r.SecondsMedian, r.Repetitions, r.PeakExtraMiB);
        }

        outDir.Create();
        csv.Write(Path.Combine(outDir.FullName, "bench-attention.csv"));
        JsonReport.Write(Path.Combine(outDir.FullName, "bench-attention.json"), new
        {
            description = "float32, batch 1, CPU; minimum wall time over repetitions after a warm-up; peak_extra_mib = peak resident memory above the inputs, measured after the timings with glibc's mmap threshold fixed at 64 KiB.",
            options = new { lengths = o.Lengths, min_log2 = o.MinLog2, max_log2 = o.MaxLog2, step = o.Step, backward_max_log2 = o.BackwardMaxLog2, plain_max_log2 = o.PlainMaxLog2, heads = o.Heads, dim = o.Dim, feature_maps = o.FeatureMaps, repetitions = o.Repetitions, max_repetitions = o.MaxRepetitions, seconds_per_case = o.SecondsPerCase, rounds = o.Rounds, block = o.BlockSize },
            load_average = new { before = loadBefore, after = loadAfter, processors = Environment.ProcessorCount },
            csharp = new
            {
                torchsharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
                libtorch = TorchRuntime.LibTorchVersion,
                threads,
                dotnet = Environment.Version.ToString(),
                processors = Environment.ProcessorCount,
            },
            python = pythonInfo is { } info ? (object)new
            {
                torch = info.TryGetProperty("torch", out var tv) ? tv.GetString() : null,
                python = info.TryGetProperty("python", out var pv) ? pv.GetString() : null,
                executable = info.TryGetProperty("executable", out var ev) ? ev.GetString() : null,
                threads = info.TryGetProperty("threads", out var th) ? th.GetInt32() : 0,
                blas = info.TryGetProperty("blas", out var bl) ? bl.GetString() : null,
                blas_loaded = info.TryGetProperty("blas_loaded", out var bld) ? bld.EnumerateArray().Select(x => x.GetString()).ToArray() : null,
                reference_blas = ReferenceBlas(info),
            } : null,
            python_error = pythonError,
            summary,
            seconds = clock.TotalSeconds,
            command = commandLine,
        });

        Print(rows, summary, o, threads, pythonInfo, pythonError, commandLine);
        AnsiConsole.WriteLine(I($"load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}; {Environment.ProcessorCount} processors; {clock.TotalSeconds:0} s"));
        return ExitCodes.Success;
    }

    private static void Print(List<AttentionBenchmarkRow> rows, AttentionBenchmarkSummary summary, AttentionBenchmarkOptions o, int threads, System.Text.Json.JsonElement? pythonInfo, string? pythonError, string commandLine)
    {
        foreach (int length in o.Lengths)
        {
            var table = new Table().Title(I($"L = {length}, {o.Heads} heads, d_h = {o.Dim}, float32: minimum seconds (peak extra MiB)"));
            table.AddColumn("m");
            table.AddColumn("prefix streamed");
            foreach (var f in o.FeatureMaps)
            {
                table.AddColumn($"ntk {f}");
            }

            table.AddColumns("dense TorchSharp", "plain PyTorch", "prefix fwd+bwd", $"ntk {o.FeatureMaps[0]} fwd+bwd", "plain PyTorch fwd+bwd");
            foreach (long m in o.PrefixLengths)
            {
                var cells = new List<string> { I($"2^{System.Numerics.BitOperations.Log2((ulong)m)}"), Cell(rows, "prefix_streamed", "forward", length, m, string.Empty) };

                cells.AddRange(o.FeatureMaps.Select(f => Cell(rows, "ntk", "forward", length, m, NtkProofs.FeatureMaps.FeatureMapParser.Parse(f, o.Dim).Name)));
                cells.Add(Cell(rows, "dense_torchsharp", "forward", length, m, string.Empty));
                cells.Add(Cell(rows, "plain_pytorch", "forward", length, m, string.Empty));
                cells.Add(Cell(rows, "prefix_streamed", "forward+backward", length, m, string.Empty));
                cells.Add(Cell(rows, "ntk", "forward+backward", length, m, NtkProofs.FeatureMaps.FeatureMapParser.Parse(o.FeatureMaps[0], o.Dim).Name));
                cells.Add(Cell(rows, "plain_pytorch", "forward+backward", length, m, string.Empty));
                table.AddRow(cells.ToArray());
            }

            AnsiConsole.Write(table);
        }

        foreach (var line in summary.Lines())
        {
            AnsiConsole.WriteLine(line);
        }

        string pythonText = pythonInfo is { } info && info.TryGetProperty("torch", out var tv)
            ? I($"PyTorch {tv.GetString()} ({info.GetProperty("executable").GetString()}, {info.GetProperty("threads").GetInt32()} threads, BLAS {info.GetProperty("blas").GetString()})")
            : $"PyTorch baselines not measured: {pythonError}";
        if (pythonInfo is { } pi && ReferenceBlas(pi))
        {
            pythonText += " WARNING: the Python baseline runs on the REFERENCE BLAS (libblas), ~30x slower than OpenBLAS: its ratios are not meaningful; install libopenblas0-pthread (apt-get install libopenblas0-pthread) and rerun.";
        }
        AnsiConsole.WriteLine(I($"C#: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, libtorch {TorchRuntime.LibTorchVersion}, {threads} threads. {pythonText}"));
        AnsiConsole.MarkupLine($"Regenerate: [bold]{Markup.Escape(commandLine)}[/]");
    }

    private static string Cell(List<AttentionBenchmarkRow> rows, string impl, string pass, int length, long m, string feature)
    {
        var row = rows.FirstOrDefault(r => r.Impl == impl && r.Pass == pass && r.Length == length && r.PrefixLength == m && r.Feature == feature && !r.Causal);
        return row is null ? "-" : I($"{row.SecondsMin:0.0000}") + (row.PeakExtraMiB is { } p ? I($" ({p:0})") : string.Empty);
    }

    private static bool ReferenceBlas(System.Text.Json.JsonElement info) =>
        info.TryGetProperty("reference_blas", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.True;

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
