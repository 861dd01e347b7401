using System.CommandLine;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Cli;
using NtkProofs.Model;
using NtkProofs.Numerics;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary><c>ntkproofs bench</c>: performance benchmarks, reported as ratios measured in one run.</summary>
public sealed class BenchCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var command = new Command("bench", "Performance benchmarks (ratios against a baseline measured in the same run).");
        command.Subcommands.Add(BuildKernel());
        command.Subcommands.Add(BenchAttentionCommand.Build());
        command.Subcommands.Add(BenchPerfCommand.Build());
        return command;
    }

    private static Command BuildKernel()
    {
        var n = new Option<int>("--n") { Description = "Samples.", DefaultValueFactory = _ => 64 };
        var d = new Option<int>("--d") { Description = "Input dimension.", DefaultValueFactory = _ => 16 };
        var c = new Option<int>("--c") { Description = "Output dimension of the fixed and separate paths.", DefaultValueFactory = _ => 1 };
        var from = new Option<int>("--from") { Description = "Smallest m = 2^from.", DefaultValueFactory = _ => 12 };
        var to = new Option<int>("--to") { Description = "Largest m = 2^to.", DefaultValueFactory = _ => 16 };
        var reps = new Option<int>("--repetitions") { Description = "Timed repetitions (minimum is reported).", DefaultValueFactory = _ => 5 };
        var variants = new Option<string[]>("--variant") { Description = "Value paths to time (fixed, separate, tied).", DefaultValueFactory = _ => ["fixed", "separate", "tied"], AllowMultipleArgumentsPerToken = true };
        var command = new Command("kernel", "Time the empirical kernel (float64) against plain float64 matrix products of the same shapes.") { n, d, c, from, to, reps, variants };
        command.SetAction(parse =>
        {
            int nv = parse.GetValue(n), dv = parse.GetValue(d), cv = parse.GetValue(c), a = parse.GetValue(from), b = parse.GetValue(to), r = parse.GetValue(reps);
            if (nv < 1 || dv < 1 || cv < 1 || a < 0 || b < a || b > 24 || r < 1)
            {
                throw new CliInputException("need n, d, c, repetitions >= 1 and 0 <= from <= to <= 24");
            }

            var paths = parse.GetValue(variants)!.Select(KernelCommand.ParseVariant).ToList();
            var table = new Table().Title(FormattableString.Invariant($"empirical kernel, n = {nv}, d = {dv}, float64, {TorchRuntime.Threads} threads, libtorch {TorchRuntime.LibTorchVersion}"));
            table.AddColumns("variant", "m", "c", "kernel ms", "products ms", "kernel GFLOP/s", "products GFLOP/s", "ratio");
            var rows = new List<KernelBenchmarkRow>();
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("timing", maxValue: paths.Count * (b - a + 1));
                foreach (var path in paths)
                {
                    for (int e = a; e <= b; e++)
                    {
                        rows.Add(KernelBenchmark.Measure(path, nv, dv, cv, 1 << e, r));
                        task.Increment(1);
                    }
                }
            });
            foreach (var row in rows)
            {
                table.AddRow(row.Path.ToString(), row.PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture), row.OutputDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    F($"{row.KernelSeconds * 1e3:F2}"), F($"{row.GemmSeconds * 1e3:F2}"), F($"{row.KernelGflops:F1}"), F($"{row.GemmGflops:F1}"), F($"{row.Ratio:P0}"));
            }

            AnsiConsole.Write(table);
            double square = KernelBenchmark.SquareGemmGflops(1024, r);
            AnsiConsole.WriteLine(F($"square 1024^2 float64 product: {square:F1} GFLOP/s (machine GEMM rate in this run)"));
            foreach (var group in rows.GroupBy(x => x.Path))
            {
                var largest = group.MaxBy(x => x.PrefixLength)!;
                AnsiConsole.WriteLine(F($"{group.Key}: at m = {largest.PrefixLength} the kernel reaches {largest.Ratio:P0} of the same-shape products and {largest.KernelGflops / square:P0} of the square-product rate"));
            }

            AnsiConsole.WriteLine($"Regenerate: dotnet run --project experiments/NtkProofs.Experiments -c Release -- bench kernel --n {nv} --d {dv} --c {cv} --from {a} --to {b}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
