using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs bench attention</c>: time and peak memory of PrefixAttention (streamed) versus NtkAttention over m, the
/// crossover m*, and ratios against plain PyTorch softmax attention and the released forward pass measured in the same run
/// (C7): a thin front over the report's <c>attention-bench</c> experiment and the profile's bench config
/// (<see cref="ExperimentFront"/>). Flags override the config.
/// </summary>
public static class BenchAttentionCommand
{
    /// <summary>The profile configs this command runs (the report's for C7).</summary>
    public static readonly string[] Configs = ["bench"];

    /// <summary>The <c>attention</c> subcommand of <c>bench</c>.</summary>
    public static Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for bench.jsonl, bench.config.json, bench-attention.json and manifest.json (created if missing).", Required = true };
        var profile = ExperimentFront.ProfileOption();
        var lengths = new Option<int[]?>("--length") { Description = "Input lengths L (default: the config's).", AllowMultipleArgumentsPerToken = true };
        var from = new Option<int?>("--from") { Description = "Smallest m = 2^from (default: the config's)." };
        var to = new Option<int?>("--to") { Description = "Largest m = 2^to (default: the config's)." };
        var backwardTo = new Option<int?>("--backward-to") { Description = "Largest m = 2^x with forward+backward timed (default: the config's)." };
        var plainTo = new Option<int?>("--plain-to") { Description = "Largest m = 2^x for the materialized baselines, TorchSharp and PyTorch (default: the config's)." };
        var heads = new Option<int?>("--heads") { Description = "Heads (default: the config's)." };
        var dim = new Option<int?>("--dim") { Description = "Head dimension d_h (default: the config's)." };
        var features = new Option<string[]?>("--feature") { Description = "Feature maps of NtkAttention (default: the config's).", AllowMultipleArgumentsPerToken = true };
        var reps = new Option<int?>("--repetitions") { Description = "Least timed repetitions per case and round after a warm-up; the minimum is reported (default: the config's)." };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds over all cases, C# then Python (default: the config's)." };
        var step = new Option<int?>("--step") { Description = "m grows by 2^step between grid points (default: the config's)." };
        var threads = new Option<int?>("--threads") { Description = "Threads on both sides, TorchSharp and PyTorch (default: the config's, 2)." };
        var python = new Option<string?>("--python") { Description = "Python with PyTorch for the baselines, e.g. /usr/bin/python3 (default: the config's, none = skipped)." };
        var seed = ExperimentFront.SeedOption();
        var device = ExperimentFront.DeviceOption();
        var command = new Command("attention", "PrefixAttention (streamed) versus NtkAttention over m, crossover m*, and ratios to plain PyTorch attention and the released forward, float32, batch 1: the report's C7 experiment and config.")
        {
            output, profile, lengths, from, to, step, backwardTo, plainTo, heads, dim, features, reps, rounds, threads, python, seed, device,
        };
        command.SetAction(parse =>
        {
            var l = parse.GetValue(lengths) is { Length: > 0 } givenLengths ? givenLengths : null;
            var maps = parse.GetValue(features) is { Length: > 0 } givenMaps ? givenMaps : null;
            int? a = parse.GetValue(from), b = parse.GetValue(to), bw = parse.GetValue(backwardTo), pt = parse.GetValue(plainTo), h = parse.GetValue(heads), d = parse.GetValue(dim);
            int? r = parse.GetValue(reps), ro = parse.GetValue(rounds), st = parse.GetValue(step), t = parse.GetValue(threads);
            if ((l is not null && l.Any(x => x < 1)) || a < 0 || b > 24 || (a is { } lo && b is { } hi && hi < lo) || h < 1 || d < 1 || r < 1 || ro < 1 || st < 1 || t < 1)
            {
                throw new CliInputException("need lengths >= 1, 0 <= from <= to <= 24, heads, dim, repetitions, rounds, step, threads >= 1 ");
            }

            ExperimentFront.RequireFeatureMaps(maps, d ?? 64);

            string? py = parse.GetValue(python);
            long? s = parse.GetValue(seed);
            ConfigOverlay Overlay(string name, ConfigOverlay o)
            {
                o.Seed = s;
                o.Set("lengths", l is null ? null : string.Join(",", l.Select(x => x.ToString(CultureInfo.InvariantCulture))))
                    .Set("from", a).Set("to", b).Set("step", st).Set("backward_to", bw).Set("plain_to", pt).Set("heads", h).Set("dim", d)
                    .Set("features", maps is null ? null : string.Join(",", maps)).Set("repetitions", r).Set("rounds", ro).Set("threads", t).Set("python", (JsonNode?)py);
                return o;
            }

            var stdout = parse.InvocationConfiguration.Output;
            var outcome = ExperimentFront.Execute(
                new FrontRequest("bench-attention", parse.GetValue(profile)!, Configs, Overlay, parse.GetValue(output)!, parse.GetValue(device)!, [.. parse.Tokens.Select(x => x.Value)], CommandLineText.Of(parse)),
                stdout);
            if (outcome is null)
            {
                return ExitCodes.Interrupted;
            }

            foreach (var line in outcome.Lines["bench"])
            {
                var result = ResultJson.Read<AttentionBenchResult>(line.Result);
                foreach (var text in result.Summary.Lines())
                {
                    stdout.WriteLine(text);
                }

                if (Benchmarks.MklSetting.Warning(Benchmarks.MklSetting.Current) is { } mkl)
                {
                    stdout.WriteLine(mkl);
                }

                foreach (var text in Benchmarks.AttentionRowRates.Lines(result.Rows, result.Gemm, checked((int)line.Point.Int("heads")), checked((int)line.Point.Int("dim"))))
                {
                    stdout.WriteLine(text);
                }

                string blas = result.PythonInfo is { } info && info.ValueKind == System.Text.Json.JsonValueKind.Object && info.TryGetProperty("torch", out _)
                    ? $"PyTorch {Property(info, "torch")} ({Property(info, "executable")}), BLAS {Property(info, "blas")}, loaded: {string.Join(", ", Benchmarks.BlasLibraries.Loaded(info))}"
                    : "no PyTorch baseline ran";
                stdout.WriteLine(result.PythonError is null
                    ? $"PyTorch baselines measured: {blas}"
                    : $"PyTorch baselines not measured: {result.PythonError} ({blas})");
                stdout.WriteLine(FormattableString.Invariant($"C#: TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, libtorch {TorchRuntime.LibTorchVersion}, {result.TorchThreads} threads; load average before {result.LoadBefore}, after {result.LoadAfter}; {result.Seconds:0} s"));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Property(System.Text.Json.JsonElement info, string name) =>
        info.ValueKind == System.Text.Json.JsonValueKind.Object && info.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "unknown";
}
