using System.CommandLine;
using System.Globalization;
using NtkProofs.Measurements;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.Numerics;
using Spectre.Console;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs ntk-train</c>: the trained setting (the paper's Section 4.4 done as intended). Fits Z, k of NTK-Attention with Adam
/// to exact prefix attention on fresh inputs, for every m and feature map, and writes held-out errors next to the closed form
/// and the zero state to trained.csv and ntk-train.json.
/// </summary>
public sealed class NtkTrainCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var defaults = new TrainedSettingOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for trained.csv and ntk-train.json (created if missing).", Required = true };
        var paper = new Option<bool>("--paper") { Description = "Start from the paper's size (d 64, L 128, m = 2..2^18, 40k steps of one draw, lr 1e-3): for GPU machines; other options override it." };
        var dim = new Option<int?>("--dim") { Description = $"Model dimension D = d_h = d_v (default {defaults.Dim})." };
        var length = new Option<int?>("--length") { Description = $"Tokens per draw L (default {defaults.Length})." };
        var ms = new Option<int[]?>("--m") { Description = $"Prefix lengths (default {string.Join(" ", defaults.PrefixLengths)}).", AllowMultipleArgumentsPerToken = true };
        var features = new Option<string[]?>("--feature") { Description = $"Feature maps (default {string.Join(" ", defaults.FeatureMaps)}).", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int?>("--steps") { Description = $"Adam steps per (m, map) (default {defaults.Steps})." };
        var batch = new Option<int?>("--batch") { Description = $"Fresh draws X per step (default {defaults.BatchSize})." };
        var lr = new Option<double?>("--lr") { Description = $"Adam learning rate before the sqrt(d / r) scaling (default {defaults.LearningRate})." };
        var testDraws = new Option<int?>("--test-draws") { Description = $"Held-out draws (default {defaults.TestDraws})." };
        var weightScale = new Option<double?>("--weight-scale") { Description = $"W entries ~ N(0, s^2 / D) (default {defaults.WeightScale})." };
        var raw = new Option<bool>("--raw-parameters") { Description = "Fit Z and k directly instead of Z / m and k / m." };
        var noScale = new Option<bool>("--no-lr-scaling") { Description = "Use the same learning rate for every feature map." };
        var dtype = new Option<string>("--dtype") { Description = "Training dtype.", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "float64");
        var seed = new Option<long?>("--seed") { Description = $"Master seed (default {Seeds.Master})." };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("ntk-train", "Trained setting: fit Z, k with Adam to exact prefix attention on fresh X; held-out error versus m per feature map, next to the closed form.")
        {
            output, paper, dim, length, ms, features, steps, batch, lr, testDraws, weightScale, raw, noScale, dtype, seed, threads,
        };
        command.SetAction(parse =>
        {
            var o = parse.GetValue(paper) ? TrainedSettingOptions.Paper : defaults;
            o = o with
            {
                Dim = parse.GetValue(dim) ?? o.Dim,
                Length = parse.GetValue(length) ?? o.Length,
                PrefixLengths = parse.GetValue(ms) is { Length: > 0 } givenMs ? givenMs : o.PrefixLengths,
                FeatureMaps = parse.GetValue(features) is { Length: > 0 } givenMaps ? givenMaps : o.FeatureMaps,
                Steps = parse.GetValue(steps) ?? o.Steps,
                BatchSize = parse.GetValue(batch) ?? o.BatchSize,
                LearningRate = parse.GetValue(lr) ?? o.LearningRate,
                TestDraws = parse.GetValue(testDraws) ?? o.TestDraws,
                WeightScale = parse.GetValue(weightScale) ?? o.WeightScale,
                PerRowParameters = !parse.GetValue(raw),
                ScaleLearningRateByFeatures = !parse.GetValue(noScale),
                DType = parse.GetValue(dtype) == "float64" ? ScalarType.Float64 : ScalarType.Float32,
                Seed = parse.GetValue(seed) ?? o.Seed,
            };
            try
            {
                o.Validated();
                foreach (var spec in o.FeatureMaps)
                {
                    _ = NtkProofs.FeatureMaps.FeatureMapParser.Parse(spec, o.Dim);
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new CliInputException(e.Message, e);
            }

            if (parse.GetValue(threads) > 0)
            {
                TorchRuntime.Configure(parse.GetValue(threads));
            }

            return Run(o, parse.GetValue(output)!, CommandLineText.Of(parse));
        });
        return command;
    }

    private static int Run(TrainedSettingOptions options, DirectoryInfo outDir, string commandLine)
    {
        IReadOnlyList<TrainedSettingRow> rows = [];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask("fitting", maxValue: options.PrefixLengths.Count * options.FeatureMaps.Count);
            rows = TrainedSetting.Run(options, (label, done, _) =>
            {
                task.Description = Markup.Escape(label);
                task.Value = done;
            });
        });

        var csv = new CsvTable("m", "feature", "r", "source", "mse", "relative_error", "max_abs_error", "final_train_loss", "steps", "seconds");
        foreach (var r in rows)
        {
            csv.Add(r.PrefixLength, r.FeatureMap, r.FeatureCount, r.Source, r.MeanSquaredError, r.RelativeError, r.MaxAbsError, r.FinalTrainLoss, r.Steps, r.Seconds);
        }

        outDir.Create();
        csv.Write(Path.Combine(outDir.FullName, "trained.csv"));
        JsonReport.Write(Path.Combine(outDir.FullName, "ntk-train.json"), new
        {
            description = "Trained setting: NTK-Attention over X with Z, k fitted by Adam (from zero) to exact prefix attention PrefixAttn(X; P), queries from X only, fresh X ~ N(0,1) each step; held-out errors against PrefixAttn, next to the closed form Z(P), k(P) and the zero state (no prefix).",
            options = new
            {
                dim = options.Dim,
                length = options.Length,
                prefix_lengths = options.PrefixLengths,
                feature_maps = options.FeatureMaps,
                steps = options.Steps,
                batch_size = options.BatchSize,
                learning_rate = options.LearningRate,
                learning_rate_scaled_by_sqrt_d_over_r = options.ScaleLearningRateByFeatures,
                per_row_parameters = options.PerRowParameters,
                test_draws = options.TestDraws,
                weight_scale = options.WeightScale,
                dtype = options.DType.ToString(),
                seed = options.Seed,
                threads = TorchRuntime.Threads,
            },
            seconds = clock.Elapsed.TotalSeconds,
            rows = rows.Select(r => new { m = r.PrefixLength, feature = r.FeatureMap, r = r.FeatureCount, source = r.Source.ToString(), mse = r.MeanSquaredError, relative_error = r.RelativeError, max_abs_error = r.MaxAbsError, final_train_loss = r.FinalTrainLoss, steps = r.Steps, seconds = r.Seconds }),
            command = commandLine,
        });

        var table = new Table().Title("held-out relative error ||NTK-Attn - PrefixAttn||_F / ||PrefixAttn||_F");
        table.AddColumn("m");
        table.AddColumn("zero state");
        foreach (var map in options.FeatureMaps.Select(s => rows.First(r => r.FeatureMap.Length > 0 && string.Equals(r.FeatureMap, NtkProofs.FeatureMaps.FeatureMapParser.Parse(s, options.Dim).Name, StringComparison.Ordinal)).FeatureMap))
        {
            table.AddColumn($"{map} closed");
            table.AddColumn($"{map} trained");
        }

        foreach (var group in rows.GroupBy(r => r.PrefixLength))
        {
            var cells = new List<string> { group.Key.ToString(CultureInfo.InvariantCulture), F(group.First(r => r.Source == ZkSource.ZeroState).RelativeError) };
            foreach (var map in group.Where(r => r.Source == ZkSource.ClosedForm))
            {
                cells.Add(F(map.RelativeError));
                cells.Add(F(group.First(r => r.Source == ZkSource.Trained && r.FeatureMap == map.FeatureMap).RelativeError));
            }

            table.AddRow(cells.ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(FormattableString.Invariant($"{clock.Elapsed.TotalSeconds:F0} s with {TorchRuntime.Threads} threads. Regenerate: [bold]{Markup.Escape(commandLine)}[/]"));
        return ExitCodes.Success;
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
