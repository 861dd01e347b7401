using System.CommandLine;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using NtkProofs.Measurements;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs ntk-train</c>: the trained setting (the paper's Section 4.4 done as intended, C8): a thin front over the
/// report's <c>ntk-trained</c> experiment and the profile's trained config (<see cref="ExperimentFront"/>), so its numbers are
/// the report's for the same config and seed. Flags override the config.
/// </summary>
public sealed class NtkTrainCommand : ICliCommand
{
    /// <summary>The profile configs this command runs (the report's for C8).</summary>
    public static readonly string[] Configs = ["trained", "trained-width"];

    /// <inheritdoc />
    public Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for trained.jsonl, trained.config.json, ntk-train.json and manifest.json (created if missing).", Required = true };
        var profile = ExperimentFront.ProfileOption();
        var paper = new Option<bool>("--paper") { Description = "The paper's size (d 64, L 128, m = 2..2^18, 40k steps of one draw, lr 1e-3, 256 held-out draws) over the profile's config: for GPU machines; other options override it." };
        var dim = new Option<int?>("--dim") { Description = "Model dimension D = d_h = d_v (default: the config's)." };
        var length = new Option<int?>("--length") { Description = "Tokens per draw L (default: the config's)." };
        var ms = new Option<int[]?>("--m") { Description = "Prefix lengths (default: the config's).", AllowMultipleArgumentsPerToken = true };
        var features = new Option<string[]?>("--feature") { Description = "Feature maps (default: the config's).", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int?>("--steps") { Description = "Adam steps per (m, map) (default: the config's)." };
        var batch = new Option<int?>("--batch") { Description = "Fresh draws X per step (default: the config's)." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate before the sqrt(d / r) scaling (default: the config's)." };
        var testDraws = new Option<int?>("--test-draws") { Description = "Held-out draws (default: the config's)." };
        var dtype = new Option<string?>("--dtype") { Description = "Training dtype (default: the config's, float32)." };
        dtype.AcceptOnlyFromAmong("float32", "float64");
        var seed = ExperimentFront.SeedOption();
        var device = ExperimentFront.DeviceOption();
        var threads = ExperimentFront.ThreadsOption();
        var command = new Command("ntk-train", "Trained setting: fit Z, k with Adam to exact prefix attention on fresh X; held-out error versus m per feature map, next to the closed form: the report's C8 experiment and config.")
        {
            output, profile, paper, dim, length, ms, features, steps, batch, lr, testDraws, dtype, seed, device, threads,
        };
        command.SetAction(parse =>
        {
            var paperSize = parse.GetValue(paper) ? TrainedSettingOptions.Paper : null;
            int? d = parse.GetValue(dim) ?? paperSize?.Dim, l = parse.GetValue(length) ?? paperSize?.Length, st = parse.GetValue(steps) ?? paperSize?.Steps;
            int? b = parse.GetValue(batch) ?? paperSize?.BatchSize, test = parse.GetValue(testDraws) ?? paperSize?.TestDraws;
            double? rate = parse.GetValue(lr) ?? paperSize?.LearningRate;
            var m = parse.GetValue(ms) is { Length: > 0 } givenMs ? givenMs : paperSize?.PrefixLengths.ToArray();
            var maps = parse.GetValue(features);
            if (rate is { } r && !double.IsFinite(r))
            {
                throw new CliInputException($"--lr must be a finite number, got {r}");
            }

            ExperimentFront.RequireFeatureMaps(maps, d ?? 16);

            string? type = parse.GetValue(dtype);
            long? s = parse.GetValue(seed);
            ExperimentFront.ConfigureThreads(parse.GetValue(threads));
            ConfigOverlay Overlay(string name, ConfigOverlay o)
            {
                o.Seed = s;
                o.Set("dim", d).Set("length", l).Set("steps", st).Set("batch", b).Set("lr", rate).Set("test_draws", test).Set("dtype", type);
                o.Axis("m", m?.Select(x => (JsonNode)x)).Axis("feature", maps?.Select(x => (JsonNode)x));
                return o;
            }

            return ExperimentFront.Run(
                new FrontRequest("ntk-train", parse.GetValue(profile)!, Configs, Overlay, parse.GetValue(output)!, parse.GetValue(device)!, [.. parse.Tokens.Select(t => t.Value)], CommandLineText.Of(parse)),
                parse.InvocationConfiguration.Output);
        });
        return command;
    }
}
