using ScottPlot;
using ScottPlot.TickGenerators;

namespace NtkProofs.Experiments.Reports.Figures;

/// <summary>
/// Renders a <see cref="FigureSpec"/> with ScottPlot to PNG and SVG. ScottPlot 5 has no log axis, so log-scaled data is
/// plotted as log10/log2 values with tick labels formatted back (the toolchain notes' recipe). Non-positive values on a log
/// axis are dropped from that series rather than plotted as -infinity.
/// </summary>
public static partial class FigureRenderer
{
    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"),
        Color.FromHex("#ff7f0e"), Color.FromHex("#17becf"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"),
    ];

    /// <summary>Writes <c>{Name}.png</c> and <c>{Name}.svg</c> into <paramref name="folder"/> atomically; returns both paths.</summary>
    /// <param name="spec">The figure.</param>
    /// <param name="folder">Destination folder (created if missing).</param>
    public static (string Png, string Svg) Save(FigureSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Directory.CreateDirectory(folder);
        using var plot = Build(spec);
        string png = Path.Combine(folder, spec.Name + ".png");
        string svg = Path.Combine(folder, spec.Name + ".svg");
        NtkProofs.IO.AtomicFile.WriteAllBytes(png, plot.GetImageBytes(spec.Width, spec.Height, ImageFormat.Png));
        NtkProofs.IO.AtomicFile.WriteAllText(svg, NormalizeSvgIds(plot.GetSvgXml(spec.Width, spec.Height)));
        return (png, svg);
    }

    /// <summary>Builds the ScottPlot plot (caller disposes).</summary>
    /// <param name="spec">The figure.</param>
    public static Plot Build(FigureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plot = new Plot();
        plot.Title(spec.Title);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.YLabel);
        int auto = 0;
        foreach (var series in spec.Series)
        {
            var color = Palette[(series.ColorIndex ?? auto++) % Palette.Length];
            var points = Enumerable.Range(0, Math.Min(series.X.Count, series.Y.Count))
                .Where(i => Valid(series.X[i], spec.XScale) && Valid(series.Y[i], spec.YScale))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            double[] xs = points.Select(i => Transform(series.X[i], spec.XScale)).ToArray();
            double[] ys = points.Select(i => Transform(series.Y[i], spec.YScale)).ToArray();
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LegendText = series.Label;
            scatter.LineWidth = series.Style is SeriesStyle.Markers ? 0 : 2;
            scatter.MarkerSize = series.Style is SeriesStyle.Line or SeriesStyle.DashedLine ? 0 : 6;
            if (series.Style == SeriesStyle.DashedLine)
            {
                scatter.LinePattern = LinePattern.Dashed;
            }

            if (series.ErrorLow is not null && series.ErrorHigh is not null)
            {
                foreach (int i in points)
                {
                    double lo = series.Y[i] - series.ErrorLow[i], hi = series.Y[i] + series.ErrorHigh[i];
                    if (Valid(lo, spec.YScale) && Valid(hi, spec.YScale))
                    {
                        double x = Transform(series.X[i], spec.XScale);
                        var bar = plot.Add.Line(x, Transform(lo, spec.YScale), x, Transform(hi, spec.YScale));
                        bar.Color = color;
                        bar.LineWidth = 1;
                    }
                }
            }
        }

        foreach (var reference in spec.References ?? [])
        {
            var scale = reference.Vertical ? spec.XScale : spec.YScale;
            if (!Valid(reference.Value, scale))
            {
                continue;
            }

            double v = Transform(reference.Value, scale);
            var line = reference.Vertical ? (ScottPlot.Plottables.AxisLine)plot.Add.VerticalLine(v) : plot.Add.HorizontalLine(v);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Black;
            line.LineWidth = 1.5f;
            line.LegendText = reference.Label;
        }

        ConfigureAxis(plot.Axes.Bottom, spec.XScale);
        ConfigureAxis(plot.Axes.Left, spec.YScale);
        if (spec.LegendOutside || spec.Series.Count(x => x.Label.Length > 0) + (spec.References?.Count ?? 0) > 4)
        {
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        return plot;
    }

    /// <summary>
    /// ScottPlot numbers SVG clip paths from a process-wide counter, so the same figure rendered twice differs in its ids.
    /// Renumbers them in order of appearance, which makes the SVG a pure function of the figure.
    /// </summary>
    /// <param name="svg">SVG text.</param>
    public static string NormalizeSvgIds(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match match in ClipId().Matches(svg))
        {
            string id = match.Groups[1].Value;
            if (!map.ContainsKey(id))
            {
                map[id] = "clip" + map.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return ClipReference().Replace(svg, m => m.Value.Replace(m.Groups[1].Value, map.TryGetValue(m.Groups[1].Value, out var n) ? n : m.Groups[1].Value, StringComparison.Ordinal));
    }

    [System.Text.RegularExpressions.GeneratedRegex("<clipPath id=\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex ClipId();

    [System.Text.RegularExpressions.GeneratedRegex("(?:id=\"|url\\(#)([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial System.Text.RegularExpressions.Regex ClipReference();

    private static bool Valid(double v, AxisScale scale) => double.IsFinite(v) && (scale == AxisScale.Linear || v > 0);

    private static double Transform(double v, AxisScale scale) => scale switch
    {
        AxisScale.Log10 => Math.Log10(v),
        AxisScale.Log2 => Math.Log2(v),
        _ => v,
    };

    private static void ConfigureAxis(ScottPlot.IAxis axis, AxisScale scale)
    {
        if (scale == AxisScale.Linear)
        {
            return;
        }

        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = scale == AxisScale.Log10 ? new LogMinorTickGenerator() : new EvenlySpacedMinorTickGenerator(1),
            IntegerTicksOnly = true,
            LabelFormatter = scale == AxisScale.Log10
                ? v => FormattableString.Invariant($"1e{v:0}")
                : v => FormattableString.Invariant($"2^{v:0}"),
        };
    }
}
