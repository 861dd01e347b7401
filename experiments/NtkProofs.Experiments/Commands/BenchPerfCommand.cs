using System.CommandLine;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.Experiments.Reports.Claims;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs bench perf</c>: every performance goal of issue #13 measured in one run (the report's <c>perf</c> experiment
/// and the profile's perf config, <see cref="ExperimentFront"/>), printed as a table with each goal met or not. Flags
/// override the config.
/// </summary>
public static class BenchPerfCommand
{
    /// <summary>The profile configs this command runs.</summary>
    public static readonly string[] Configs = ["perf"];

    /// <summary>The <c>perf</c> subcommand of <c>bench</c>.</summary>
    public static Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for perf.jsonl, perf.config.json, bench-perf.json and manifest.json (created if missing).", Required = true };
        var profile = ExperimentFront.ProfileOption();
        var python = new Option<string?>("--python") { Description = "Python with NumPy and PyTorch for the peers, e.g. /usr/bin/python3, or none (default: the config's)." };
        var threads = new Option<int?>("--threads") { Description = "Threads on every side, TorchSharp, NumPy's BLAS and PyTorch (default: the config's, 2)." };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds over the C# cases and the peers (default: the config's)." };
        var reps = new Option<int?>("--repetitions") { Description = "Least timed repetitions per case and round (default: the config's)." };
        var gemm = new Option<int?>("--gemm-size") { Description = "Size of the square GEMM probes (default: the config's)." };
        var seed = ExperimentFront.SeedOption();
        var device = ExperimentFront.DeviceOption();
        var command = new Command("perf", "Every performance goal of issue #13 in one run: kernel and attention times, ratios to NumPy / plain PyTorch, fractions of the same run's GEMM rate, met or not.")
        {
            output, profile, python, threads, rounds, reps, gemm, seed, device,
        };
        command.Aliases.Add("goals");
        command.SetAction(parse =>
        {
            int? t = parse.GetValue(threads), ro = parse.GetValue(rounds), r = parse.GetValue(reps), g = parse.GetValue(gemm);
            if (t < 1 || ro < 1 || r < 1 || g < 1)
            {
                throw new CliInputException("need threads, rounds, repetitions and gemm size >= 1");
            }

            string? py = parse.GetValue(python);
            long? s = parse.GetValue(seed);
            ConfigOverlay Overlay(string name, ConfigOverlay o)
            {
                o.Seed = s;
                o.Set("threads", t).Set("rounds", ro).Set("repetitions", r).Set("gemm_size", g).Set("python", (JsonNode?)py);
                return o;
            }

            var stdout = parse.InvocationConfiguration.Output;
            var outcome = ExperimentFront.Execute(
                new FrontRequest("bench-perf", parse.GetValue(profile)!, Configs, Overlay, parse.GetValue(output)!, parse.GetValue(device)!, [.. parse.Tokens.Select(x => x.Value)], CommandLineText.Of(parse)),
                stdout);
            if (outcome is null)
            {
                return ExitCodes.Interrupted;
            }

            foreach (var line in outcome.Lines["perf"])
            {
                Write(ResultJson.Read<PerfResult>(line.Result), stdout);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Prints the goal table and its context lines.</summary>
    /// <param name="result">The measured goals.</param>
    /// <param name="stdout">Where to write.</param>
    public static void Write(PerfResult result, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stdout);
        var table = new Table().Title("performance goals (issue #13), one run");
        table.AddColumns(PerfTable.Columns);
        foreach (var cells in PerfTable.Cells(result))
        {
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        var console = Sweeps.SweepConsole.For(stdout);
        console.Write(table);
        foreach (var line in PerfTable.Context(result))
        {
            stdout.WriteLine(line);
        }

        int met = result.Rows.Count(x => x.Met == true), notMet = result.Rows.Count(x => x.Met == false), open = result.Rows.Count(x => x.Met is null);
        stdout.WriteLine(FormattableString.Invariant($"goals: {met} met, {notMet} not met, {open} not decided (a peer not measured)"));
    }
}
