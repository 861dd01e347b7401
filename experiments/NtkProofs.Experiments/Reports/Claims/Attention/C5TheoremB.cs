using System.Globalization;
using System.Text;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>One point of the Theorem B sweep, as C5 reads it.</summary>
/// <param name="Geometry">Value geometry (correlated, independent, adversarial).</param>
/// <param name="Result">The measured point.</param>
public sealed record TheoremBPoint(string Geometry, BoundResult Result);

/// <summary>The evidence of C5: the worst identity errors and every Theorem B point.</summary>
/// <param name="IdentityWorst">Worst relative error of I1, I2, I3, I4 over the identities sweep (float64).</param>
/// <param name="IdentityPoints">Points of the identities sweep.</param>
/// <param name="IdentityMRange">Smallest and largest m of the identities sweep.</param>
/// <param name="Points">Every point of the Theorem B sweep.</param>
/// <param name="RSweep">Points of the error-against-r sweep (shown, not part of the rule), or null when it did not run.</param>
public sealed record C5Evidence(IReadOnlyList<double> IdentityWorst, int IdentityPoints, (long Min, long Max) IdentityMRange, IReadOnlyList<TheoremBPoint> Points, IReadOnlyList<RSweepPoint>? RSweep = null);

/// <summary>
/// C5: NTK-Attention with phi = Taylor(g) approximates prefix attention, with the error bound of Theorem B. Checks the
/// project's formalization (THEORY.md Part B, Theorem B in our precise form), so the verdict is about that formalization
/// (PAPER.md's verdict rules).
/// </summary>
public sealed class C5TheoremB : IClaim
{
    /// <summary>The rule, in words.</summary>
    public static readonly string Rule = string.Create(CultureInfo.InvariantCulture,
        $"about our formalization of Theorem B (THEORY.md Part B, PAPER.md's rule for C5): supported if every identity I1-I4 has relative error <= {AttentionCriteria.IdentityTolerance:E0} (float64) and the measured error is within 2 eps_g / (1 - eps_g) max|v| at every claimed point (eps_g < 1); not supported if an identity fails or a claimed point violates the bound; inconclusive if no point lies inside the hypothesis");

    /// <inheritdoc />
    public string Id => "C5";

    /// <inheritdoc />
    public string Statement => "NTK-Attention with phi = Taylor(g) approximates prefix attention; error bound of Theorem B (our formalization)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs { get; } = [AttentionCriteria.IdentitiesConfig, AttentionCriteria.TheoremBConfig, AttentionCriteria.TheoremBRConfig];

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var identities = inputs.Results<IdentitiesResult>(AttentionCriteria.IdentitiesConfig);
        var theorem = inputs.Results<BoundResult>(AttentionCriteria.TheoremBConfig);
        if (identities is null || theorem is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{AttentionCriteria.IdentitiesConfig}' and '{AttentionCriteria.TheoremBConfig}' sweeps must both run");
        }

        var rSweep = inputs.Results<BoundResult>(AttentionCriteria.TheoremBRConfig)?
            .Select(r => new RSweepPoint(r.Point.Int("dim"), r.Point.Int("m"), r.Point.Int("replicate"), r.Result)).ToList();
        var evidence = new C5Evidence(
            [identities.Max(r => r.Result.I1), identities.Max(r => r.Result.I2), identities.Max(r => r.Result.I3), identities.Max(r => r.Result.I4)],
            identities.Count,
            (identities.Min(r => r.Point.Int("m")), identities.Max(r => r.Point.Int("m"))),
            theorem.Select(r => new TheoremBPoint(r.Point.Text("geometry"), r.Result)).ToList(),
            rSweep);
        var commands = new List<string> { inputs.Command(AttentionCriteria.IdentitiesConfig), inputs.Command(AttentionCriteria.TheoremBConfig) };
        if (rSweep is not null)
        {
            commands.Add(inputs.Command(AttentionCriteria.TheoremBRConfig));
        }

        return Decide(evidence) with { Commands = commands };
    }

    /// <summary>The rule: from the evidence to the verdict, its numbers and figure.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C5Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string[] names = ["I1", "I2", "I3", "I4"];
        var failedIdentities = names.Where((_, i) => !(e.IdentityWorst[i] <= AttentionCriteria.IdentityTolerance)).ToList();
        string identityText = string.Join(", ", names.Select((n, i) => F($"{n} {e.IdentityWorst[i]:E1}")));
        var claimed = e.Points.Where(p => p.Result.Claimed).ToList();
        var violations = claimed.Where(p => !p.Result.Holds).ToList();
        var numbers = new List<string>
        {
            F($"identities, worst relative error over {e.IdentityPoints} points (m = {e.IdentityMRange.Min}..{e.IdentityMRange.Max}, causal and not): {identityText} (tolerance {AttentionCriteria.IdentityTolerance:E0})"),
            F($"Theorem B: {violations.Count} violations in {claimed.Count} claimed points; {e.Points.Count - claimed.Count} points outside the hypothesis (eps_g >= 1), where no bound is claimed or checked"),
        };
        var details = new StringBuilder();
        if (claimed.Count > 0)
        {
            details.AppendLine("| geometry | claimed points | violations | tightness measured / bound: median | max |");
            details.AppendLine("|---|---|---|---|---|");
            foreach (var g in claimed.GroupBy(p => p.Geometry).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var tight = g.Select(p => p.Result.Tightness ?? 0).Order().ToList();
                double median = NtkProofs.Statistics.BootstrapCi.Quantile(tight, 0.5);
                numbers.Add(F($"{g.Key}: tightness median {median:E2}, max {tight[^1]:E2} over {tight.Count} claimed points"));
                details.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} | {g.Count(p => !p.Result.Holds)} | {median:E2} | {tight[^1]:E2} |");
            }
        }

        var against = new List<string>();
        against.AddRange(failedIdentities.Select(n => F($"identity {n} fails: worst relative error {e.IdentityWorst[Array.IndexOf(names, n)]:E1} > {AttentionCriteria.IdentityTolerance:E0}")));
        against.AddRange(violations.Take(5).Select(p => F($"{p.Geometry}: measured {p.Result.Measured:E2} above the bound {p.Result.Bound ?? double.NaN:E2} (eps_g {p.Result.EpsG ?? double.NaN:E2}, g {p.Result.DegreeUsed})")));
        if (violations.Count > 5)
        {
            against.Add(F($"... and {violations.Count - 5} more violations"));
        }

        var figures = claimed.Count == 0 ? [] : new List<ClaimFigure> { Figure(claimed) };
        if (e.RSweep is { Count: > 0 } rSweep)
        {
            // Shown next to the rule, not part of it: the error against the feature dimension r per map and head width.
            numbers.AddRange(ErrorAgainstR.Numbers(rSweep));
            figures.Add(ErrorAgainstR.Figure(rSweep)!);
        }

        if (failedIdentities.Count > 0 || violations.Count > 0)
        {
            string headline = violations.Count > 0 ? F($"{violations.Count}/{claimed.Count} claimed points violate the bound") : F($"identity {string.Join(", ", failedIdentities)} fails");
            return new ClaimResult(Verdict.NotSupported, headline, numbers, Rule, Against: against, Figures: figures, Details: details.ToString());
        }

        if (claimed.Count == 0)
        {
            return new ClaimResult(Verdict.Inconclusive, F($"no claimed point (0 of {e.Points.Count} with eps_g < 1)"), numbers, Rule,
                "needs points inside Theorem B's hypothesis (eps_g < 1): add smaller beta or larger g to the theoremb sweep", against, figures, details.ToString());
        }

        double worstTightness = claimed.Max(p => p.Result.Tightness ?? 0);
        return new ClaimResult(Verdict.Supported, F($"0/{claimed.Count} violations; max tightness {worstTightness:E1}; I1-I4 <= {e.IdentityWorst.Max():E0}"), numbers, Rule,
            Against: against, Figures: figures, Details: details.ToString());
    }

    private static ClaimFigure Figure(IReadOnlyList<TheoremBPoint> claimed)
    {
        var series = claimed.GroupBy(p => p.Geometry).OrderBy(g => g.Key, StringComparer.Ordinal).Select((g, i) => new FigureSeries(
            g.Key, g.Select(p => p.Result.Bound ?? 0).ToList(), g.Select(p => Math.Max(p.Result.Measured, 1e-18)).ToList(), SeriesStyle.Markers, ColorIndex: i)).ToList();
        double lo = claimed.Min(p => p.Result.Bound ?? 0), hi = claimed.Max(p => p.Result.Bound ?? 0);
        series.Add(new FigureSeries("measured = bound", [lo, hi], [lo, hi], SeriesStyle.DashedLine, ColorIndex: 7));
        return new ClaimFigure(
            new FigureSpec("fig_c5_theoremb", "C5: Theorem B, measured error against the bound", "bound 2 eps_g / (1 - eps_g) max|v|", "measured ||NTK-Attn - PrefixAttn||_inf", AxisScale.Log10, AxisScale.Log10, series, Width: 820),
            "Every claimed point of the theoremb sweep (Taylor g, several beta and m, three value geometries); points below the dashed line satisfy the bound.");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
