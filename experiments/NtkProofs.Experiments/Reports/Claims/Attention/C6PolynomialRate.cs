using System.Globalization;
using System.Text;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>One series of the corollary sweep: error against m at a fixed degree, or at g(m) for a target m^-c.</summary>
/// <param name="Geometry">Value geometry.</param>
/// <param name="Degree">Fixed Taylor degree, or 0 for g(m).</param>
/// <param name="Exponent">c of the target m^-c (degree 0 only, else 0).</param>
/// <param name="Ms">Prefix lengths, ascending.</param>
/// <param name="Errors">Measured errors of every replicate at each m.</param>
/// <param name="UnderTarget">For g(m): every point under m^-c max|v| (true for fixed degrees).</param>
/// <param name="ValueMax">Mean max|v| (for the target line).</param>
/// <param name="FeatureCounts">Mean feature dimension r = C(d + g, g) of the degree used at each m (grows with m for g(m)), or null when not known.</param>
public sealed record C6Series(string Geometry, long Degree, double Exponent, IReadOnlyList<long> Ms, IReadOnlyList<IReadOnlyList<double>> Errors, bool UnderTarget, double ValueMax, IReadOnlyList<double>? FeatureCounts = null)
{
    /// <summary>The series' label.</summary>
    public string Label => Degree == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Geometry}, g(m) for m^-{Exponent}")
        : string.Create(CultureInfo.InvariantCulture, $"{Geometry}, fixed g = {Degree}");

    /// <summary>Whether every m has at least two replicates (then the slope has a bootstrap CI).</summary>
    public bool HasReplicates => Errors.All(e => e.Count >= 2);

    /// <summary>The log-log slope of the mean error in m, with a 95% bootstrap CI over replicates where they exist (else a zero-width interval at the point estimate).</summary>
    public ConfidenceInterval Slope()
    {
        var x = Ms.Select(m => (double)m).ToList();
        var clamped = Errors.Select(e => (IReadOnlyList<double>)e.Select(v => Math.Max(v, 1e-300)).ToList()).ToList();
        if (HasReplicates)
        {
            return BootstrapCi.LogLogSlope(x, clamped);
        }

        double slope = LogLogFit.Fit(x, clamped.Select(e => e.Average()).ToList()).Slope;
        return new ConfidenceInterval(slope, slope, slope, 0.95);
    }
}

/// <summary>The evidence of C6: every series of the corollary sweep.</summary>
/// <param name="Series">The series.</param>
public sealed record C6Evidence(IReadOnlyList<C6Series> Series);

/// <summary>C6: the NTK-Attention error is 1/poly(m) (the corollary of Theorem B).</summary>
public sealed class C6PolynomialRate : IClaim
{
    /// <summary>The rule, in words.</summary>
    public static readonly string Rule = string.Create(CultureInfo.InvariantCulture,
        $"slopes are log-log fits of the mean error in m with a 95% bootstrap CI over replicates (a point estimate where a series has one replicate). Supported if at a fixed feature map the error falls polynomially (every fixed-g slope with key-correlated values, as K_P = P W_K, V_P = P W_V, has CI upper bound <= {AttentionCriteria.DecaySlopeMax}); supported with caveat if fixed g is flat (CI lower bound > {AttentionCriteria.FlatSlopeMin}) but g(m) meets m^-c at every point with slope <= -{AttentionCriteria.AdaptiveSlopeFraction} c (then r = C(d + g, g) grows with m, so the cost is not independent of m); not supported if fixed g is flat and g(m) misses its target; inconclusive if a fixed-g CI straddles the thresholds or a fixed-g or g(m) series is missing");

    /// <inheritdoc />
    public string Id => "C6";

    /// <inheritdoc />
    public string Statement => "error is 1/poly(m)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs { get; } = [AttentionCriteria.CorollaryConfig];

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<BoundResult>(AttentionCriteria.CorollaryConfig);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{AttentionCriteria.CorollaryConfig}' sweep did not run in this profile");
        }

        var series = records
            .GroupBy(r => (Geometry: r.Point.Text("geometry"), Degree: r.Point.Int("degree"), Exponent: r.Point.Int("degree") == 0 ? r.Point.Real("exponent") : 0))
            .OrderBy(g => g.Key.Geometry, StringComparer.Ordinal).ThenBy(g => g.Key.Degree).ThenBy(g => g.Key.Exponent)
            .Select(g =>
            {
                var ms = g.Select(r => r.Point.Int("m")).Distinct().Order().ToList();
                var errors = ms.Select(m => (IReadOnlyList<double>)g.Where(r => r.Point.Int("m") == m).Select(r => r.Result.Measured).ToList()).ToList();
                bool under = g.Key.Degree != 0 || g.All(r => r.Result.Measured <= (Math.Pow(r.Point.Int("m"), -g.Key.Exponent) * r.Result.ValueMax) + 1e-12);
                var featureCounts = ms.Select(m => g.Where(r => r.Point.Int("m") == m).Average(r => (double)NtkProofs.FeatureMaps.TaylorFeatureMap.FeatureCount(checked((int)r.Point.Int("dim")), r.Result.DegreeUsed))).ToList();
                return new C6Series(g.Key.Geometry, g.Key.Degree, g.Key.Exponent, ms, errors, under, g.Average(r => r.Result.ValueMax), featureCounts);
            })
            .ToList();
        return Decide(new C6Evidence(series)) with { Commands = [inputs.Command(AttentionCriteria.CorollaryConfig)] };
    }

    /// <summary>The rule: from the evidence to the verdict, its numbers and figure.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C6Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var fits = e.Series.Select(s => (Series: s, Slope: s.Slope())).ToList();
        var numbers = fits.Select(f => F($"{f.Series.Label}: slope {f.Slope.Estimate:F2}") + (f.Series.HasReplicates ? F($" [{f.Slope.Low:F2}, {f.Slope.High:F2}]") : " (one replicate: no CI)")
            + (f.Series.Degree == 0 ? (f.Series.UnderTarget ? ", every point under m^-c max|v|" : ", some point above m^-c max|v|") : string.Empty)).ToList();
        numbers.AddRange(fits.Where(f => f.Series.Degree == 0 && f.Series.FeatureCounts is { Count: > 0 }).Select(f =>
            F($"{f.Series.Label}: r = C(d + g(m), g(m)) grows from {f.Series.FeatureCounts![0]:0.#} at m = {f.Series.Ms[0]} to {f.Series.FeatureCounts[^1]:0.#} at m = {f.Series.Ms[^1]} (the cost of the rate)")));
        var details = new StringBuilder();
        details.AppendLine("| series | fitted slope in m | 95% CI | every point under m^-c max|v| |");
        details.AppendLine("|---|---|---|---|");
        foreach (var f in fits)
        {
            details.AppendLine(CultureInfo.InvariantCulture, $"| {f.Series.Label} | {f.Slope.Estimate:F2} | {(f.Series.HasReplicates ? F($"[{f.Slope.Low:F2}, {f.Slope.High:F2}]") : "-")} | {(f.Series.Degree == 0 ? (f.Series.UnderTarget ? "yes" : "**no**") : "-")} |");
        }

        var fixedCorrelated = fits.Where(f => f.Series.Degree != 0 && f.Series.Geometry == "correlated").ToList();
        var adaptive = fits.Where(f => f.Series.Degree == 0).ToList();
        var against = fixedCorrelated.Where(f => f.Slope.Estimate > AttentionCriteria.FlatSlopeMin).Select(f => F($"{f.Series.Label}: the error does not fall with m (slope {f.Slope.Estimate:F2})"))
            .Concat(adaptive.Where(f => !f.Series.UnderTarget || f.Slope.Estimate > -AttentionCriteria.AdaptiveSlopeFraction * f.Series.Exponent).Select(f => F($"{f.Series.Label}: misses its target (slope {f.Slope.Estimate:F2})")))
            .ToList();
        var figures = e.Series.Count == 0 ? [] : new List<ClaimFigure> { Figure(fits) };
        if (RFigure(e.Series) is { } rFigure)
        {
            figures.Add(rFigure);
        }

        string fixedText = string.Join(", ", fixedCorrelated.Select(f => F($"g = {f.Series.Degree} slope {f.Slope.Estimate:F2}")));
        ClaimResult Result(Verdict v, string headline, string? decider = null) => new(v, headline, numbers, Rule, decider, against, figures, details.ToString());

        if (fixedCorrelated.Count == 0)
        {
            return Result(Verdict.Inconclusive, "no fixed-g series with key-correlated values", "needs a fixed-degree series with geometry 'correlated' in the corollary sweep");
        }

        if (fixedCorrelated.All(f => f.Slope.High <= AttentionCriteria.DecaySlopeMax))
        {
            return Result(Verdict.Supported, "fixed g: " + fixedText);
        }

        if (!fixedCorrelated.All(f => f.Slope.Low > AttentionCriteria.FlatSlopeMin))
        {
            return Result(Verdict.Inconclusive, "fixed g: " + fixedText + " (CI straddles)",
                F($"a fixed-g slope CI straddles {AttentionCriteria.FlatSlopeMin} or {AttentionCriteria.DecaySlopeMax}: needs more replicates per m or a wider m range"));
        }

        if (adaptive.Count == 0)
        {
            return Result(Verdict.Inconclusive, "fixed g flat: " + fixedText + "; no g(m) series", "needs a g(m) series (degree 0) to say whether a growing degree buys the rate");
        }

        bool adaptiveMeets = adaptive.All(f => f.Series.UnderTarget && f.Slope.Estimate <= -AttentionCriteria.AdaptiveSlopeFraction * f.Series.Exponent);
        string adaptiveText = string.Join(", ", adaptive.Select(f => F($"g(m) c = {f.Series.Exponent} slope {f.Slope.Estimate:F2}")));
        return adaptiveMeets
            ? Result(Verdict.SupportedWithCaveat, $"fixed g flat ({fixedText}); {adaptiveText}")
            : Result(Verdict.NotSupported, $"fixed g flat ({fixedText}); {adaptiveText} misses m^-c");
    }

    private static ClaimFigure Figure(IReadOnlyList<(C6Series Series, ConfidenceInterval Slope)> fits)
    {
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var (s, slope) in fits)
        {
            var x = s.Ms.Select(m => (double)m).ToList();
            series.Add(new FigureSeries(F($"{s.Label}: slope {slope.Estimate:F2}"), x, s.Errors.Select(v => Math.Max(v.Average(), 1e-18)).ToList(), ColorIndex: color));
            if (s.Degree == 0)
            {
                series.Add(new FigureSeries(F($"target m^-{s.Exponent} max|v|"), x, s.Ms.Select(m => Math.Pow(m, -s.Exponent) * s.ValueMax).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            }

            color++;
        }

        return new ClaimFigure(
            new FigureSpec("fig_c6_corollary", "C6: NTK-Attention error against prefix length", "prefix length m", "||NTK-Attn - PrefixAttn||_inf", AxisScale.Log2, AxisScale.Log10, series, Width: 980),
            "Mean over replicates; fixed Taylor degree against the smallest even degree g(m) whose bound meets m^-c (dashed: the target m^-c max|v|).");
    }

    /// <summary>Error against the feature dimension r of the degree used (fixed g: one r; g(m): r grows with m), or null without r.</summary>
    private static ClaimFigure? RFigure(IReadOnlyList<C6Series> all)
    {
        var withR = all.Where(s => s.FeatureCounts is { Count: > 0 } r && r.Count == s.Ms.Count).ToList();
        if (withR.Count == 0)
        {
            return null;
        }

        var series = withR.Select((s, i) => new FigureSeries(s.Label, s.FeatureCounts!, [.. s.Errors.Select(v => Math.Max(v.Average(), 1e-18))], s.Degree == 0 ? SeriesStyle.LineWithMarkers : SeriesStyle.Markers, ColorIndex: i)).ToList();
        return new ClaimFigure(
            new FigureSpec("fig_c6_error_vs_r", "C6: NTK-Attention error against the feature dimension r", "feature dimension r = C(d + g, g)", "||NTK-Attn - PrefixAttn||_inf", AxisScale.Log10, AxisScale.Log10, series, Width: 980, LegendOutside: true),
            "The corollary sweep against r instead of m: a fixed degree stays at one r whatever m is; g(m) buys its rate in m with an r that grows with m.");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
