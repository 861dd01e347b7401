using System.Globalization;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>One point of the trained setting against width (config <see cref="AttentionCriteria.TrainedWidthConfig"/>).</summary>
/// <param name="Dim">Head width d_h (= d, one head).</param>
/// <param name="Feature">Feature map (elu1, taylor:G, prf:R).</param>
/// <param name="M">Prefix length.</param>
/// <param name="Steps">Adam steps.</param>
/// <param name="Result">The measured errors.</param>
public sealed record C8WidthPoint(long Dim, string Feature, long M, long Steps, TrainedResult Result);

/// <summary>
/// The trained setting's held-out error against the head width d_h and the feature dimension r: numbers and figures that C8
/// shows next to its rule (they do not enter the verdict, which is about the m sweep).
/// </summary>
public static class TrainedAgainstWidth
{
    /// <summary>One line per width (best trained map, zero state) and, per width, the slope of the prf error in r.</summary>
    /// <param name="points">Every point of the width sweep.</param>
    public static IReadOnlyList<string> Numbers(IReadOnlyList<C8WidthPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var lines = new List<string>();
        if (points.Count == 0)
        {
            return lines;
        }

        lines.Add(F($"against width: m = {string.Join(", ", points.Select(p => p.M).Distinct().Order())}, {points.Min(p => p.Steps)} Adam steps, d_h = {string.Join(", ", points.Select(p => p.Dim).Distinct().Order())} (one replicate per point: point estimates, no CI)"));
        foreach (var width in points.GroupBy(p => p.Dim).OrderBy(g => g.Key))
        {
            var best = width.MinBy(p => p.Result.TrainedError)!;
            var prf = width.Where(p => p.Feature.StartsWith("prf:", StringComparison.Ordinal)).OrderBy(p => p.Result.R).ToList();
            string slope = prf.Select(p => p.Result.R).Distinct().Count() >= 2
                ? F($"; prf trained error slope in r {LogLogFit.Fit([.. prf.Select(p => (double)p.Result.R)], [.. prf.Select(p => Math.Max(p.Result.TrainedError, 1e-300))]).Slope:F2} (r = {prf[0].Result.R}..{prf[^1].Result.R})")
                : string.Empty;
            lines.Add(F($"d_h = {width.Key}: best trained {best.Result.TrainedError:F3} ({best.Feature}), zero state {width.Average(p => p.Result.ZeroStateError):F3}; ")
                + string.Join(", ", width.OrderBy(p => p.Result.R).ThenBy(p => p.Feature, StringComparer.Ordinal).Select(p => F($"{p.Feature} {p.Result.TrainedError:F3} (closed form {p.Result.ClosedFormError:F3})"))) + slope);
        }

        return lines;
    }

    /// <summary>Held-out trained error against d_h per map, and the prf error against r per d_h (empty without points).</summary>
    /// <param name="points">Every point of the width sweep.</param>
    public static IReadOnlyList<ClaimFigure> Figures(IReadOnlyList<C8WidthPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return [];
        }

        var dims = points.Select(p => p.Dim).Distinct().Order().ToList();
        var byWidth = new List<FigureSeries>();
        int color = 0;
        foreach (var f in points.GroupBy(p => p.Feature).OrderBy(g => g.Min(p => p.Result.R)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var pts = f.GroupBy(p => p.Dim).OrderBy(g => g.Key).ToList();
            byWidth.Add(new FigureSeries(f.Key + " trained", [.. pts.Select(g => (double)g.Key)], [.. pts.Select(g => Math.Max(g.Average(p => p.Result.TrainedError), 1e-18))], ColorIndex: color++));
        }

        byWidth.Add(new FigureSeries("zero state (no prefix)", [.. dims.Select(d => (double)d)], [.. dims.Select(d => points.Where(p => p.Dim == d).Average(p => p.Result.ZeroStateError))], SeriesStyle.DashedLine, ColorIndex: 7));
        var figures = new List<ClaimFigure>
        {
            new(new FigureSpec("fig_c8_trained_vs_width", "C8: trained Z, k against the head width d_h", "head width d_h", "held-out relative error", AxisScale.Log2, AxisScale.Log10, byWidth, Width: 900, LegendOutside: true),
                F($"the trained-width sweep: Adam-fitted Z, k at m = {string.Join(", ", points.Select(p => p.M).Distinct().Order())} with {points.Min(p => p.Steps)} steps, per feature map (elu1 has r = d_h); dashed: ignoring the prefix.")),
        };

        var prfSeries = new List<FigureSeries>();
        color = 0;
        foreach (var width in points.Where(p => p.Feature.StartsWith("prf:", StringComparison.Ordinal)).GroupBy(p => p.Dim).OrderBy(g => g.Key))
        {
            var pts = width.GroupBy(p => p.Result.R).OrderBy(g => g.Key).ToList();
            prfSeries.Add(new FigureSeries(F($"trained, d_h = {width.Key}"), [.. pts.Select(g => (double)g.Key)], [.. pts.Select(g => Math.Max(g.Average(p => p.Result.TrainedError), 1e-18))], ColorIndex: color));
            prfSeries.Add(new FigureSeries(F($"closed form, d_h = {width.Key}"), [.. pts.Select(g => (double)g.Key)], [.. pts.Select(g => Math.Max(g.Average(p => p.Result.ClosedFormError), 1e-18))], SeriesStyle.DashedLine, ColorIndex: color));
            color++;
        }

        if (prfSeries.Count > 0)
        {
            figures.Add(new ClaimFigure(
                new FigureSpec("fig_c8_trained_vs_r", "C8: positive random features, error against r per head width", "feature dimension r", "held-out relative error", AxisScale.Log10, AxisScale.Log10, prfSeries, Width: 900, LegendOutside: true),
                "the trained-width sweep's prf maps: trained Z, k (solid) and the closed-form Z(P), k(P) of the same map (dashed), per head width."));
        }

        return figures;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
