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
        var rounds = new Option<int>("--rounds") { Description = "Rounds: the C# cases, then the NumPy baseline, once per round; minimum over rounds.", DefaultValueFactory = _ => 1 };
        var gemmSize = new Option<int>("--gemm-size") { Description = "Size of the square float64 GEMM probe (the machine's rate in this run).", DefaultValueFactory = _ => 1024 };
        var python = new Option<string>("--python") { Description = "Python with NumPy for the fs_kernel baseline (experiments/baselines/kernel_baseline.py), e.g. /usr/bin/python3, or none.", DefaultValueFactory = _ => "none" };
        var variants = new Option<string[]>("--variant") { Description = "Value paths to time (fixed, separate, tied).", DefaultValueFactory = _ => ["fixed", "separate", "tied"], AllowMultipleArgumentsPerToken = true };
        var command = new Command("kernel", "Time the empirical kernel (float64) against plain float64 matrix products of the same shapes, the same run's float64 GEMM rate and (--python) NumPy's fs_kernel formulation.") { n, d, c, from, to, reps, rounds, gemmSize, python, variants };
        command.SetAction(parse =>
        {
            int nv = parse.GetValue(n), dv = parse.GetValue(d), cv = parse.GetValue(c), a = parse.GetValue(from), b = parse.GetValue(to), r = parse.GetValue(reps), ro = parse.GetValue(rounds), gs = parse.GetValue(gemmSize);
            if (nv < 1 || dv < 1 || cv < 1 || a < 0 || b < a || b > 24 || r < 1 || ro < 1 || gs < 1)
            {
                throw new CliInputException("need n, d, c, repetitions, rounds, gemm size >= 1 and 0 <= from <= to <= 24");
            }

            string py = parse.GetValue(python)!;
            var paths = parse.GetValue(variants)!.Select(KernelCommand.ParseVariant).ToList();
            int threads = TorchRuntime.Threads;
            var table = new Table().Title(FormattableString.Invariant($"empirical kernel, n = {nv}, d = {dv}, float64, {threads} threads, libtorch {TorchRuntime.LibTorchVersion}"));
            table.AddColumns("variant", "m", "c", "kernel ms", "products ms", "kernel GFLOP/s", "products GFLOP/s", "ratio", "of f64 GEMM", "NumPy ms", "NumPy / ours");
            var rows = new List<KernelBenchmarkRow>();
            var numpy = new List<KernelBaselineRow>();
            string? numpyError = py == "none" ? "not measured (--python none)" : null;
            KernelBaselineRun? lastRun = null;
            using var probe = new GemmProbe(gs, 1, 1, 1, 1, r);
            var cases = paths.SelectMany(p => Enumerable.Range(a, b - a + 1).Select(e => (Path: p, M: 1L << e))).ToList();
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("timing", maxValue: ro * (cases.Count + 1));
                for (int round = 0; round < ro; round++)
                {
                    probe.TimeRound();
                    foreach (var (path, m) in cases)
                    {
                        var row = KernelBenchmark.Measure(path, nv, dv, cv, checked((int)m), r);
                        int index = rows.FindIndex(x => x.Path == row.Path && x.PrefixLength == row.PrefixLength);
                        if (index < 0)
                        {
                            rows.Add(row);
                        }
                        else
                        {
                            rows[index] = rows[index].Merge(row);
                        }

                        task.Increment(1);
                    }

                    if (numpyError is null)
                    {
                        lastRun = KernelBaseline.Run(py, KernelBaseline.FindScript(), [.. cases.Select(x => (VariantName(x.Path), x.M))], nv, dv, cv, threads, r, Math.Max(r, 30), 0.5, gs, Seeds.Master);
                        numpyError = lastRun.Error;
                        foreach (var row in lastRun.Rows)
                        {
                            int index = numpy.FindIndex(x => x.SameCase(row));
                            if (index < 0)
                            {
                                numpy.Add(row);
                            }
                            else
                            {
                                numpy[index] = numpy[index] with { Samples = [.. numpy[index].Samples, .. row.Samples] };
                            }
                        }
                    }

                    task.Increment(1);
                }
            });
            double square = probe.Rates.Float64Gflops;
            foreach (var row in rows)
            {
                var peer = numpyError is null ? numpy.FirstOrDefault(x => x.Variant == VariantName(row.Path) && x.M == row.PrefixLength && x.C == row.OutputDim) : null;
                table.AddRow(VariantName(row.Path), row.PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture), row.OutputDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    F($"{row.KernelSeconds * 1e3:F2}"), F($"{row.GemmSeconds * 1e3:F2}"), F($"{row.KernelGflops:F1}"), F($"{row.GemmGflops:F1}"), F($"{row.Ratio:P0}"), F($"{row.KernelGflops / square:P0}"),
                    peer is null ? "-" : F($"{peer.SecondsMin * 1e3:F2}"), peer is null ? "-" : F($"{peer.SecondsMin / row.KernelSeconds:F2}x"));
            }

            AnsiConsole.Write(table);
            AnsiConsole.WriteLine(F($"square {gs}^2 float64 product: {square:F1} GFLOP/s (machine GEMM rate in this run; \"of f64 GEMM\" is the kernel's rate over it)"));
            if (MklSetting.Warning(MklSetting.Current) is { } mkl)
            {
                AnsiConsole.WriteLine(mkl);
            }

            AnsiConsole.WriteLine(numpyError is null
                ? F($"NumPy baseline (fs_kernel formulation, {ro} rounds interleaved): {lastRun!.Describe()}; its float64 GEMM {lastRun.GemmGflops:F1} GFLOP/s")
                : $"NumPy baseline not measured: {numpyError}");
            foreach (var group in rows.GroupBy(x => x.Path))
            {
                var largest = group.MaxBy(x => x.PrefixLength)!;
                AnsiConsole.WriteLine(F($"{VariantName(group.Key)}: at m = {largest.PrefixLength} the kernel reaches {largest.Ratio:P0} of the same-shape products and {largest.KernelGflops / square:P0} of the square-product rate"));
            }

            AnsiConsole.WriteLine($"Regenerate: dotnet run --project experiments/NtkProofs.Experiments -c Release -- bench kernel --n {nv} --d {dv} --c {cv} --from {a} --to {b} --rounds {ro} --python {py}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string VariantName(ValuePath path) => path switch
    {
        ValuePath.FixedValue => "fixed",
        ValuePath.SeparateValue => "separate",
        _ => "tied",
    };

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
