using System.Globalization;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>One point of the r sweep (config <see cref="AttentionCriteria.TheoremBRConfig"/>): one head width, map and replicate.</summary>
/// <param name="Dim">Head dimension d.</param>
/// <param name="M">Prefix length m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="Result">The measured point (feature, r, error, the Theorem B bound for Taylor).</param>
public sealed record RSweepPoint(long Dim, long M, long Replicate, BoundResult Result);

/// <summary>
/// The error of NTK-Attention with closed-form Z, k against the feature dimension r, per map and head width: the numbers and
/// the log-log figure that C5 shows next to its rule (they do not enter the verdict). Positive random features are unbiased
/// with error ~ r^-1/2 (THEORY.md Part B), so their fitted slope is compared with -1/2; Taylor g sits at r = C(d + g, g).
/// </summary>
public static class ErrorAgainstR
{
    /// <summary>The slope of log(error) against log r for positive random features at one width, with a 95% bootstrap CI over replicates.</summary>
    /// <param name="points">Points of one width.</param>
    /// <returns>The interval, or null with fewer than two r values.</returns>
    public static ConfidenceInterval? PrfSlope(IReadOnlyList<RSweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var prf = points.Where(p => p.Result.Feature == "prf").ToList();
        var rs = prf.Select(p => p.Result.FeatureCount).Distinct().Order().ToList();
        if (rs.Count < 2)
        {
            return null;
        }

        var reps = rs.Select(r => (IReadOnlyList<double>)prf.Where(p => p.Result.FeatureCount == r).Select(p => Math.Max(p.Result.Measured, 1e-300)).ToList()).ToList();
        var x = rs.Select(r => (double)r).ToList();
        if (reps.All(v => v.Count >= 2))
        {
            return BootstrapCi.LogLogSlope(x, reps);
        }

        double slope = LogLogFit.Fit(x, reps.Select(v => v.Average()).ToList()).Slope;
        return new ConfidenceInterval(slope, slope, slope, 0.95);
    }

    /// <summary>One line per width: the prf slope in r, the prf error at its largest r, and each Taylor degree's error next to its bound.</summary>
    /// <param name="points">Every point of the r sweep.</param>
    public static IReadOnlyList<string> Numbers(IReadOnlyList<RSweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var lines = new List<string>();
        foreach (var width in points.GroupBy(p => p.Dim).OrderBy(g => g.Key))
        {
            var pts = width.ToList();
            var parts = new List<string>();
            if (PrfSlope(pts) is { } s)
            {
                long rMax = pts.Where(p => p.Result.Feature == "prf").Max(p => p.Result.FeatureCount);
                long rMin = pts.Where(p => p.Result.Feature == "prf").Min(p => p.Result.FeatureCount);
                bool ci = s.Low < s.High;
                parts.Add(F($"prf r = {rMin}..{rMax}: log-log slope of the error in r {s.Estimate:F2}") + (ci ? F($" [{s.Low:F2}, {s.High:F2}]") : " (one replicate: no CI)")
                    + F($" (theory -0.5), mean error {Mean(pts, "prf", rMin):E2} at r = {rMin}, {Mean(pts, "prf", rMax):E2} at r = {rMax}"));
            }

            foreach (var g in pts.Where(p => p.Result.Feature == "taylor").GroupBy(p => p.Result.DegreeUsed).OrderBy(g => g.Key))
            {
                var bound = g.Where(p => p.Result.Bound is not null).Select(p => p.Result.Bound!.Value).ToList();
                parts.Add(F($"taylor:{g.Key} (r = {g.First().Result.FeatureCount}): mean error {g.Average(p => p.Result.Measured):E2}, ")
                    + (bound.Count > 0 ? F($"bound {bound.Average():E2}") : "no bound claimed (eps_g >= 1)"));
            }

            lines.Add(F($"error against r at d = {width.Key} (m = {FirstM(pts)}): ") + string.Join("; ", parts));
        }

        return lines;
    }

    /// <summary>The log-log figure: mean measured error against r per map and width (Taylor with its bound), or null without points.</summary>
    /// <param name="points">Every point of the r sweep.</param>
    public static ClaimFigure? Figure(IReadOnlyList<RSweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return null;
        }

        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var width in points.GroupBy(p => p.Dim).OrderBy(g => g.Key))
        {
            var prf = width.Where(p => p.Result.Feature == "prf").GroupBy(p => p.Result.FeatureCount).OrderBy(g => g.Key).ToList();
            if (prf.Count > 0)
            {
                series.Add(new FigureSeries(F($"prf, d = {width.Key}"), [.. prf.Select(g => (double)g.Key)], [.. prf.Select(g => Math.Max(g.Average(p => p.Result.Measured), 1e-18))], ColorIndex: color));
            }

            var taylor = width.Where(p => p.Result.Feature == "taylor").GroupBy(p => p.Result.FeatureCount).OrderBy(g => g.Key).ToList();
            if (taylor.Count > 0)
            {
                series.Add(new FigureSeries(F($"taylor g = {string.Join(", ", taylor.Select(g => g.First().Result.DegreeUsed))}, d = {width.Key}"), [.. taylor.Select(g => (double)g.Key)], [.. taylor.Select(g => Math.Max(g.Average(p => p.Result.Measured), 1e-18))], SeriesStyle.Markers, ColorIndex: color));
                var bounded = taylor.Where(g => g.All(p => p.Result.Bound is not null)).ToList();
                if (bounded.Count > 0)
                {
                    series.Add(new FigureSeries(F($"Theorem B bound, d = {width.Key}"), [.. bounded.Select(g => (double)g.Key)], [.. bounded.Select(g => Math.Max(g.Average(p => p.Result.Bound!.Value), 1e-18))], SeriesStyle.DashedLine, ColorIndex: color));
                }
            }

            color++;
        }

        return new ClaimFigure(
            new FigureSpec("fig_c5_error_vs_r", "NTK-Attention error against the feature dimension r (closed-form Z, k)", "feature dimension r", "||NTK-Attn - PrefixAttn||_inf", AxisScale.Log10, AxisScale.Log10, series, Width: 900, LegendOutside: true),
            F($"the theoremb-r sweep, mean over replicates: positive random features (lines, theory r^-1/2) and Taylor g at r = C(d + g, g) (markers) with Theorem B's bound (dashed), per head width d; m = {FirstM(points)}."));
    }

    private static double Mean(IReadOnlyList<RSweepPoint> pts, string feature, long r) =>
        pts.Where(p => p.Result.Feature == feature && p.Result.FeatureCount == r).Average(p => p.Result.Measured);

    private static string FirstM(IReadOnlyList<RSweepPoint> pts) => string.Join(", ", pts.Select(p => p.M).Distinct().Order());

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
