using NtkProofs.Measurements;
using System.CommandLine;
using System.Globalization;
using NtkProofs.Attention;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reporting;
using Spectre.Console;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs ntk-bound</c>: Theorem B and its corollary on controlled problems (float64): the tightness measured / bound over a
/// grid of beta0, g and m for three geometries, and the error against m for a fixed g and for g(m), with fitted log-log slopes.
/// Writes theoremb.csv, corollary.csv and ntk-bound.json.
/// </summary>
public sealed class NtkBoundCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for theoremb.csv, corollary.csv and ntk-bound.json (created if missing).", Required = true };
        var dim = new Option<int>("--dim") { Description = "Head dimension d.", DefaultValueFactory = _ => 4 };
        var length = new Option<int>("--length") { Description = "Input length L.", DefaultValueFactory = _ => 16 };
        var maxLog2 = new Option<int>("--max-log2") { Description = "Largest m = 2^max-log2 (m runs over 2^4, 2^6, ...).", DefaultValueFactory = _ => 16 };
        var betas = new Option<double[]>("--beta") { Description = "beta0 values of the tightness grid.", DefaultValueFactory = _ => [0.25, 0.5, 1.0, 2.0], AllowMultipleArgumentsPerToken = true };
        var degrees = new Option<int[]>("--degree") { Description = "Even Taylor degrees g of the tightness grid.", DefaultValueFactory = _ => [2, 4, 6, 8], AllowMultipleArgumentsPerToken = true };
        var fixedDegree = new Option<int>("--fixed-degree") { Description = "The fixed g of the corollary.", DefaultValueFactory = _ => 2 };
        var exponents = new Option<double[]>("--exponent") { Description = "Exponents c of the corollary's target m^-c.", DefaultValueFactory = _ => [0.5, 1.0], AllowMultipleArgumentsPerToken = true };
        var corollaryBeta = new Option<double>("--corollary-beta") { Description = "beta0 of the corollary.", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Master seed.", DefaultValueFactory = _ => NtkProofs.Numerics.Seeds.Master };
        var command = new Command("ntk-bound", "Theorem B tightness (measured / bound) and the corollary (error versus m at fixed g and at g(m)), float64.")
        {
            output, dim, length, maxLog2, betas, degrees, fixedDegree, exponents, corollaryBeta, seed,
        };
        command.SetAction(parse =>
        {
            int d = parse.GetValue(dim), l = parse.GetValue(length), top = parse.GetValue(maxLog2), fixedG = parse.GetValue(fixedDegree);
            if (d < 1 || l < 1 || top < 4 || top > 20 || fixedG < 0)
            {
                throw new CliInputException("need --dim, --length >= 1, 4 <= --max-log2 <= 20, --fixed-degree >= 0");
            }

            return Run(parse.GetValue(output)!, d, l, top, parse.GetValue(betas)!, parse.GetValue(degrees)!, fixedG, parse.GetValue(exponents)!, parse.GetValue(corollaryBeta), parse.GetValue(seed), CommandLineText.Of(parse));
        });
        return command;
    }

    private static int Run(DirectoryInfo outDir, int dim, int length, int maxLog2, double[] betas, int[] degrees, int fixedDegree, double[] exponents, double corollaryBeta, long seed, string commandLine)
    {
        var ms = Enumerable.Range(0, ((maxLog2 - 4) / 2) + 1).Select(i => 1 << (4 + (2 * i))).ToList();
        var tightness = new CsvTable("geometry", "beta0", "g", "m", "beta", "eps_g", "value_max", "bound", "claimed", "measured_inf", "tightness", "holds");
        var rows = new List<(BoundGeometry Geometry, BoundRow Row)>();
        foreach (var geometry in Enum.GetValues<BoundGeometry>())
        {
            foreach (double beta in betas)
            {
                foreach (int g in degrees)
                {
                    foreach (int m in ms.Where(m => m <= 1 << 14))
                    {
                        var row = BoundExperiment.Measure(dim, length, dim, m, beta, g, causal: false, NtkProofs.Numerics.Seeds.Derive(seed, 30, m), geometry);
                        rows.Add((geometry, row));
                        tightness.Add(geometry, beta, g, m, row.Bound.Beta, row.Bound.EpsG, row.Bound.ValueMax, row.Bound.Bound, row.Bound.Claimed, row.Measured, row.Tightness, row.Holds);
                    }
                }
            }
        }

        var corollaryTable = new CsvTable("geometry", "c", "m", "beta", "target", "fixed_g", "fixed_error_inf", "fixed_bound", "g_m", "r_g_m", "adaptive_error_inf", "adaptive_bound", "value_max");
        var slopes = new List<CorollarySlope>();
        foreach (var geometry in new[] { BoundGeometry.KeyCorrelatedValues, BoundGeometry.IndependentValues })
        {
            foreach (double c in exponents)
            {
                var result = BoundExperiment.Corollary(dim, length, ms, corollaryBeta, fixedDegree, c, seed, geometry);
                foreach (var r in result.Rows)
                {
                    corollaryTable.Add(geometry, c, r.PrefixLength, r.Fixed.Bound.Beta, r.Target, fixedDegree, r.Fixed.Measured, r.Fixed.Bound.Bound, r.Adaptive.Bound.Degree,
                        NtkProofs.FeatureMaps.TaylorFeatureMap.FeatureCount(dim, r.Adaptive.Bound.Degree), r.Adaptive.Measured, r.Adaptive.Bound.Bound, r.Adaptive.Bound.ValueMax);
                }

                slopes.Add(new CorollarySlope(
                    geometry.ToString(),
                    c,
                    fixedDegree,
                    result.FixedSlope.Slope,
                    result.FixedSlope.RSquared,
                    result.AdaptiveSlope.Slope,
                    result.AdaptiveSlope.RSquared,
                    result.Rows.All(r => r.Adaptive.Measured <= (r.Target * r.Adaptive.Bound.ValueMax) + BoundExperiment.RoundingSlack(r.Adaptive.Bound.ValueMax))));
            }
        }

        var summary = Enum.GetValues<BoundGeometry>().Select(geometry =>
        {
            var claimed = rows.Where(r => r.Geometry == geometry && r.Row.Bound.Claimed && r.Row.Bound.Bound > 0).Select(r => r.Row.Tightness).Order().ToList();
            return new
            {
                geometry = geometry.ToString(),
                claimed_cases = claimed.Count,
                not_claimed_cases = rows.Count(r => r.Geometry == geometry && !r.Row.Bound.Claimed),
                violations = rows.Count(r => r.Geometry == geometry && !r.Row.Holds),
                tightness_min = claimed.Count > 0 ? claimed[0] : double.NaN,
                tightness_median = claimed.Count > 0 ? claimed[claimed.Count / 2] : double.NaN,
                tightness_max = claimed.Count > 0 ? claimed[^1] : double.NaN,
            };
        }).ToList();

        outDir.Create();
        tightness.Write(Path.Combine(outDir.FullName, "theoremb.csv"));
        corollaryTable.Write(Path.Combine(outDir.FullName, "corollary.csv"));
        JsonReport.Write(Path.Combine(outDir.FullName, "ntk-bound.json"), new
        {
            description = "Theorem B on controlled problems (beta <= beta0 by construction), phi = taylor:g, closed-form Z, k, float64; tightness = measured ||NTK-Attn - PrefixAttn||_inf / bound.",
            dim,
            length,
            prefix_lengths = ms,
            seed,
            tightness = summary,
            corollary = slopes,
            command = commandLine,
        });

        var table = new Table().Title("Theorem B: measured / bound over claimed cases");
        table.AddColumns("geometry", "claimed", "not claimed", "violations", "min", "median", "max");
        foreach (var s in summary)
        {
            table.AddRow(s.geometry, I(s.claimed_cases), I(s.not_claimed_cases), I(s.violations), F(s.tightness_min), F(s.tightness_median), F(s.tightness_max));
        }

        AnsiConsole.Write(table);
        var slopeTable = new Table().Title(I($"Corollary: fitted log-log slope of the error against m (beta0 = {corollaryBeta}, fixed g = {fixedDegree})"));
        slopeTable.AddColumns("geometry", "c", "fixed g slope", "g(m) slope", "g(m) error <= m^-c max|v|");
        foreach (var s in slopes)
        {
            slopeTable.AddRow(s.Geometry, F(s.C), F(s.FixedSlope), F(s.AdaptiveSlope), s.AdaptiveWithinEnvelope.ToString());
        }

        AnsiConsole.Write(slopeTable);
        AnsiConsole.MarkupLine($"Regenerate: [bold]{Markup.Escape(commandLine)}[/]");
        return summary.Sum(s => s.violations) == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>Fitted corollary slopes for one geometry and exponent (serialized into ntk-bound.json).</summary>
    private sealed record CorollarySlope(string Geometry, double C, int FixedDegree, double FixedSlope, double FixedRSquared, double AdaptiveSlope, double AdaptiveRSquared, bool AdaptiveWithinEnvelope);

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("G4", CultureInfo.InvariantCulture);

    private static string I(FormattableString s) => FormattableString.Invariant(s);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
