using System.CommandLine;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs lemmas</c>: the lemma checks L1-L3, the capacity measurement and the L > 1 causal-query lemmas (C1-C4, C21) for every value path: a thin front over
/// the report's kernel-concentration, lazy-training, capacity and causal-lemmas experiments and the profile's concentration, m0, training, capacity
/// and causal configs (<see cref="ExperimentFront"/>), with the report's verdicts. Flags override the configs.
/// </summary>
public sealed class LemmasCommand : ICliCommand
{
    /// <summary>The profile configs this command runs (the report's for C1-C4 and C21).</summary>
    public static readonly string[] Configs = ["concentration", "m0", "training", "capacity", "causal"];

    /// <inheritdoc />
    public Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the configs' .jsonl and .config.json, lemmas.json and manifest.json (created if missing).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("sweeps", "lemmas")) };
        var profile = ExperimentFront.ProfileOption();
        var scale = new Option<string?>("--scale") { Description = "Output scale alpha(m) (default: the configs', sqrt)." };
        scale.AcceptOnlyFromAmong("sqrt", "linear");
        var seed = ExperimentFront.SeedOption();
        var device = ExperimentFront.DeviceOption();
        var threads = ExperimentFront.ThreadsOption();
        var command = new Command("lemmas", "The lemma checks L1-L3 and the capacity measurement and the L > 1 causal-query lemmas (C1-C4, C21), with the report's experiments, configs and verdicts.")
        {
            output, profile, scale, seed, device, threads,
        };
        command.SetAction(parse =>
        {
            string? alpha = parse.GetValue(scale);
            long? s = parse.GetValue(seed);
            ExperimentFront.ConfigureThreads(parse.GetValue(threads));
            ConfigOverlay Overlay(string name, ConfigOverlay o)
            {
                o.Seed = s;
                o.Set("scale", alpha);
                return o;
            }

            return ExperimentFront.Run(
                new FrontRequest("lemmas", parse.GetValue(profile)!, Configs, Overlay, parse.GetValue(output)!, parse.GetValue(device)!, [.. parse.Tokens.Select(t => t.Value)], CommandLineText.Of(parse)),
                parse.InvocationConfiguration.Output);
        });
        return command;
    }
}
