using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Lemmas;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>C1's numbers for one setting (value path, scale, sigma, n, d).</summary>
/// <param name="Label">Setting label.</param>
/// <param name="PsdHolds">L1(a): H(0) symmetric PSD for every draw.</param>
/// <param name="PdHolds">L1(b): H* positive definite for every replicate.</param>
/// <param name="Slope">Concentration slope of ||H(0) - H*|| / ||H*|| with its bootstrap CI over the fit window, or null (fewer than 3 m in it).</param>
/// <param name="FitStart">Smallest m of the fit window.</param>
/// <param name="FractionAtMax">Fraction of draws with lambda_min(H(0)) &gt;= 3 lambda*/4 at the largest m (L1(d)).</param>
/// <param name="MeasuredM0">Measured m0 of L1(d), or null.</param>
/// <param name="SufficientM0">The paper-style sufficient m0.</param>
/// <param name="MinLambdaStar">Smallest lambda* over replicates.</param>
/// <param name="PrefixLengths">The m grid.</param>
/// <param name="Replicates">Replicates per m (the smallest count).</param>
public sealed record C1Setting(
    string Label, bool PsdHolds, bool PdHolds, ConfidenceInterval? Slope, int FitStart, double FractionAtMax, int? MeasuredM0,
    double SufficientM0, double MinLambdaStar, IReadOnlyList<int> PrefixLengths, int Replicates);

/// <summary>One row of the m0 table: measured m0 of L1(d) against n and d, next to the sufficient m0.</summary>
/// <param name="Path">Value path name.</param>
/// <param name="Samples">n.</param>
/// <param name="InputDim">d.</param>
/// <param name="MeasuredM0">Measured m0, or null when even the largest m fails.</param>
/// <param name="SufficientM0">Sufficient m0.</param>
/// <param name="LargestM">Largest m on the grid.</param>
public sealed record M0Row(string Path, int Samples, int InputDim, int? MeasuredM0, double SufficientM0, int LargestM);

/// <summary>C1's evidence.</summary>
/// <param name="Settings">One entry per concentration setting.</param>
/// <param name="M0Table">m0 against n and d (may be empty when the m0 sweep did not run).</param>
public sealed record C1Evidence(IReadOnlyList<C1Setting> Settings, IReadOnlyList<M0Row> M0Table);

/// <summary>C1: the kernel is PD at init and the empirical kernel concentrates on H* as m grows (L1).</summary>
public sealed class C1KernelConcentration : IClaim
{
    /// <summary>The rule, in words.</summary>
    public const string Rule =
        "not supported if H(0) is not PSD or H* not PD for some draw (L1a/b), or some setting's concentration slope has its 95% CI upper end >= 0 (no concentration); " +
        "inconclusive if a setting's sweep is too small (< 2 replicates, m range < 64x, < 3 m in the fit window) or a slope's CI straddles the band edge [-0.65, -0.35] with the point outside it; " +
        "supported with caveat if PD holds and the gap falls but a slope CI lies wholly outside the band or fewer than 95% of draws reach lambda_min(H(0)) >= 3 lambda*/4 at the largest m; " +
        "supported if every setting's slope is in the band and L1(d) holds at the largest m";

    /// <inheritdoc />
    public string Id => "C1";

    /// <inheritdoc />
    public string Statement => "kernel PD at init; empirical kernel concentrates on H* as m grows";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [LemmaSweeps.Concentration, LemmaSweeps.M0];

    /// <summary>Builds C1's evidence from grouped concentration results.</summary>
    /// <param name="results">Concentration results per setting.</param>
    /// <param name="m0Results">Results of the m0 sweep (n, d grid), possibly empty.</param>
    public static C1Evidence Gather(IReadOnlyList<KernelConcentrationResult> results, IReadOnlyList<KernelConcentrationResult> m0Results)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(m0Results);
        var settings = results.Select(r =>
        {
            var checks = LemmaSuite.Evaluate(r).ToList();
            int start = LemmaCriteria.ConcentrationFitStart(r.Problem.Sigma);
            ConfidenceInterval? slope = r.PrefixLengths.Count(m => m >= start) >= 3
                ? LemmaSweeps.Slope(r.Samples.Select(s => (s.PrefixLength, s.RelativeGap)), start)
                : null;
            return new C1Setting(
                LemmaSweeps.Label(r.Problem) + F($" sigma={r.Problem.Sigma} n={r.Problem.Samples} d={r.Problem.InputDim}"),
                checks.Single(c => c.Lemma == "L1a").Verdict == LemmaVerdict.Holds,
                checks.Single(c => c.Lemma == "L1b").Verdict == LemmaVerdict.Holds,
                slope, start, r.FractionAboveThreeQuarters(r.PrefixLengths[^1]), r.MeasuredM0(LemmaCriteria.Delta), r.TheoreticalM0(LemmaCriteria.Delta),
                r.Samples.Min(s => s.LambdaStar), r.PrefixLengths, r.PrefixLengths.Min(m => r.Samples.Count(s => s.PrefixLength == m)));
        }).ToList();
        var table = m0Results.Select(r => new M0Row(LemmaParameters.Name(r.Problem.ValuePath), r.Problem.Samples, r.Problem.InputDim,
            r.MeasuredM0(LemmaCriteria.Delta), r.TheoreticalM0(LemmaCriteria.Delta), r.PrefixLengths[^1])).ToList();
        return new C1Evidence(settings, table);
    }

    /// <summary>The verdict from C1's evidence (pure).</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C1Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Settings.Count == 0)
        {
            return ClaimResult.NotRun(Rule, "no concentration settings: run the concentration config");
        }

        var numbers = e.Settings.Select(s => F($"{s.Label}: slope {(s.Slope is { } c ? c.ToString() : "n/a")} (m >= {s.FitStart}); min lambda* {s.MinLambdaStar:E2}; P[lambda_min >= 3/4 lambda*] at m = {s.PrefixLengths[^1]}: {s.FractionAtMax:P0}; m0 measured {(s.MeasuredM0?.ToString(CultureInfo.InvariantCulture) ?? "none")} vs sufficient {s.SufficientM0:E2}")).ToList();
        var against = new List<string>();
        string details = M0Details(e.M0Table);
        string headline = F($"slopes {string.Join(", ", e.Settings.Select(s => s.Slope is { } c ? c.Estimate.ToString("F2", CultureInfo.InvariantCulture) : "n/a"))}");
        ClaimResult Result(Verdict v, string? decider = null) => new(v, headline, numbers, Rule, decider, against, null, details);

        var notPd = e.Settings.Where(s => !s.PsdHolds || !s.PdHolds).ToList();
        if (notPd.Count > 0)
        {
            against.AddRange(notPd.Select(s => s.Label + (s.PsdHolds ? ": H* not PD" : ": H(0) not PSD")));
            return Result(Verdict.NotSupported);
        }

        var notConcentrating = e.Settings.Where(s => s.Slope is { High: >= 0 }).ToList();
        if (notConcentrating.Count > 0)
        {
            against.AddRange(notConcentrating.Select(s => F($"{s.Label}: gap does not fall with m (slope {s.Slope})")));
            return Result(Verdict.NotSupported);
        }

        var small = e.Settings.Where(s => s.Slope is null || !LemmaSweeps.LargeEnough(s.PrefixLengths, s.Replicates)).ToList();
        if (small.Count > 0)
        {
            var s0 = small[0];
            return Result(Verdict.Inconclusive, s0.Slope is null
                ? F($"{s0.Label}: fewer than 3 prefix lengths from m = {s0.FitStart}: extend the m grid")
                : LemmaSweeps.TooSmall(s0.PrefixLengths, s0.Replicates));
        }

        bool InBand(double v) => v >= LemmaCriteria.ConcentrationSlopeLow && v <= LemmaCriteria.ConcentrationSlopeHigh;
        var outOfBand = e.Settings.Where(s => !InBand(s.Slope!.Value.Estimate)).ToList();
        var straddling = outOfBand.Where(s => InBand(s.Slope!.Value.Low) || InBand(s.Slope!.Value.High) || (s.Slope!.Value.Low < LemmaCriteria.ConcentrationSlopeLow && s.Slope!.Value.High > LemmaCriteria.ConcentrationSlopeHigh)).ToList();
        var l1dFails = e.Settings.Where(s => s.FractionAtMax < 1 - LemmaCriteria.Delta).ToList();
        against.AddRange(outOfBand.Select(s => F($"{s.Label}: slope {s.Slope!.Value.Estimate:F2} outside [{LemmaCriteria.ConcentrationSlopeLow}, {LemmaCriteria.ConcentrationSlopeHigh}]")));
        against.AddRange(l1dFails.Select(s => F($"{s.Label}: only {s.FractionAtMax:P0} of draws have lambda_min(H(0)) >= 3 lambda*/4 at m = {s.PrefixLengths[^1]}")));
        if (straddling.Count > 0)
        {
            return Result(Verdict.Inconclusive, F($"{straddling[0].Label}: slope CI {straddling[0].Slope} straddles the band edge: more replicates (>= 2x) would decide"));
        }

        return outOfBand.Count > 0 || l1dFails.Count > 0 ? Result(Verdict.SupportedWithCaveat) : Result(Verdict.Supported);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<InitialKernelSample>(LemmaSweeps.Concentration);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{LemmaSweeps.Concentration}' sweep did not run in this profile");
        }

        var results = LemmaSweeps.GroupConcentration(records);
        var m0 = inputs.Results<InitialKernelSample>(LemmaSweeps.M0) is { } m0Records ? LemmaSweeps.GroupConcentration(m0Records) : [];
        var result = Decide(Gather(results, m0));
        return result with
        {
            Figures =
            [
                new ClaimFigure(LemmaFigures.ConcentrationFigure(results), "Relative distance of the empirical kernel at initialization to the closed-form H*, mean over replicates with one standard deviation; dashed: least-squares fit on the THEORY.md window."),
                new ClaimFigure(LemmaFigures.LambdaMinFigure(results), "lambda_min(H(0)) / lambda* (mean, with the smallest replicate as the lower bar); dotted: 3/4 (L1(d)) and 1."),
            ],
            Details = m0.Count == 0 ? result.Details + "\n\nThe m0 against (n, d) sweep ('m0') did not run in this profile.\n" : result.Details,
            Commands = [inputs.Command(LemmaSweeps.Concentration), .. inputs.Ran(LemmaSweeps.M0) ? [inputs.Command(LemmaSweeps.M0)] : Array.Empty<string>()],
        };
    }

    private static string M0Details(IReadOnlyList<M0Row> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("Measured m0 of L1(d) (smallest grid m from which >= 95% of draws have lambda_min(H(0)) >= 3 lambda*/4) against n and d, next to the sufficient m0 = 16 (n c)^2 log(n c / delta) / lambda*^2:");
        md.AppendLine();
        if (rows.Count == 0)
        {
            return md.ToString();
        }

        md.AppendLine("| path | n | d | measured m0 | sufficient m0 | sufficient / measured |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in rows.OrderBy(r => r.Path, StringComparer.Ordinal).ThenBy(r => r.Samples).ThenBy(r => r.InputDim))
        {
            md.AppendLine(F($"| {r.Path} | {r.Samples} | {r.InputDim} | {(r.MeasuredM0 is int m ? m.ToString(CultureInfo.InvariantCulture) : F($"> {r.LargestM}"))} | {r.SufficientM0:E2} | {(r.MeasuredM0 is int v ? (r.SufficientM0 / v).ToString("E1", CultureInfo.InvariantCulture) : "n/a")} |"));
        }

        return md.ToString();
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
