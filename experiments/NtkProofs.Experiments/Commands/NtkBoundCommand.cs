using System.CommandLine;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs ntk-bound</c>: Theorem B and its corollary (C5, C6), float64: a thin front over the report's
/// <c>ntk-identities</c> and <c>ntk-bound</c> experiments and the profile's identities, theoremb and corollary configs
/// (<see cref="ExperimentFront"/>), so its numbers are the report's for the same config and seed. Flags override the configs.
/// </summary>
public sealed class NtkBoundCommand : ICliCommand
{
    /// <summary>The profile configs this command runs (the report's for C5 and C6).</summary>
    public static readonly string[] Configs = ["identities", "theoremb", "corollary", "theoremb-r"];

    /// <inheritdoc />
    public Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for identities/theoremb/corollary.jsonl, their .config.json, ntk-bound.json and manifest.json (created if missing).", Required = true };
        var profile = ExperimentFront.ProfileOption();
        var dim = new Option<int?>("--dim") { Description = "Head dimension d (default: the configs')." };
        var length = new Option<int?>("--length") { Description = "Input length L (default: the configs')." };
        var maxLog2 = new Option<int?>("--max-log2") { Description = "Keep only the configs' m <= 2^max-log2 (0 to 20)." };
        var betas = new Option<double[]?>("--beta") { Description = "beta0 values of the tightness grid (theoremb; default: the config's).", AllowMultipleArgumentsPerToken = true };
        var degrees = new Option<int[]?>("--degree") { Description = "Even Taylor degrees g of the tightness grid (theoremb; default: the config's).", AllowMultipleArgumentsPerToken = true };
        var fixedDegree = new Option<int?>("--fixed-degree") { Description = "The fixed g of the corollary (default 2; with --exponent it replaces the corollary's degree axis)." };
        var exponents = new Option<double[]?>("--exponent") { Description = "Exponents c of the corollary's target m^-c (default 0.5 1; with --fixed-degree it replaces the corollary's degree axis).", AllowMultipleArgumentsPerToken = true };
        var corollaryBeta = new Option<double?>("--corollary-beta") { Description = "beta0 of the corollary (default: the config's, 1)." };
        var seed = ExperimentFront.SeedOption();
        var device = ExperimentFront.DeviceOption();
        var threads = ExperimentFront.ThreadsOption();
        var command = new Command("ntk-bound", "Theorem B (identities, measured / bound) and the corollary (error versus m at fixed g and at g(m)), float64: the report's C5 and C6 experiments and configs.")
        {
            output, profile, dim, length, maxLog2, betas, degrees, fixedDegree, exponents, corollaryBeta, seed, device, threads,
        };
        command.SetAction(parse =>
        {
            int? d = parse.GetValue(dim), l = parse.GetValue(length), top = parse.GetValue(maxLog2), fixedG = parse.GetValue(fixedDegree);
            if (d < 1 || l < 1 || top < 0 || top > 20 || fixedG < 0)
            {
                throw new CliInputException("need --dim, --length >= 1, 0 <= --max-log2 <= 20, --fixed-degree >= 0");
            }

            var beta = parse.GetValue(betas);
            var degree = parse.GetValue(degrees);
            var exponent = parse.GetValue(exponents);
            double? corBeta = parse.GetValue(corollaryBeta);
            long? s = parse.GetValue(seed);
            ExperimentFront.ConfigureThreads(parse.GetValue(threads));
            ConfigOverlay Overlay(string name, ConfigOverlay o)
            {
                o.Seed = s;
                o.Set("dim", d).Set("length", l);
                if (top is { } t)
                {
                    o.Filter("m", v => v.GetValue<long>() <= 1L << t);
                }

                if (name == "theoremb")
                {
                    o.Axis("beta", beta?.Select(b => (JsonNode)b)).Axis("degree", degree?.Select(g => (JsonNode)g));
                }

                if (name == "corollary")
                {
                    o.Set("beta", corBeta);
                    if (fixedG is not null || exponent is { Length: > 0 })
                    {
                        var items = new List<JsonNode> { fixedG ?? 2 };
                        items.AddRange((exponent is { Length: > 0 } ? exponent : [0.5, 1.0]).Select(c => (JsonNode)new JsonObject { ["degree"] = 0, ["exponent"] = c }));
                        o.Axis("degree", items);
                    }
                }

                return o;
            }

            return ExperimentFront.Run(
                new FrontRequest("ntk-bound", parse.GetValue(profile)!, Configs, Overlay, parse.GetValue(output)!, parse.GetValue(device)!, [.. parse.Tokens.Select(t => t.Value)], CommandLineText.Of(parse)),
                parse.InvocationConfiguration.Output);
        });
        return command;
    }
}
