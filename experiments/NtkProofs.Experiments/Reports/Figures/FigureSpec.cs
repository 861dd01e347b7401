namespace NtkProofs.Experiments.Reports.Figures;

/// <summary>The scale of a figure axis.</summary>
public enum AxisScale
{
    /// <summary>Linear.</summary>
    Linear,

    /// <summary>Base-10 logarithm, ticks labelled 1e-3, 1e-2, ...</summary>
    Log10,

    /// <summary>Base-2 logarithm, ticks labelled 2^6, 2^8, ... (prefix lengths).</summary>
    Log2,
}

/// <summary>A horizontal or vertical reference line.</summary>
/// <param name="Label">Legend text (empty for none).</param>
/// <param name="Value">Position in data units.</param>
/// <param name="Vertical">True for a vertical line at x = Value.</param>
public sealed record ReferenceLine(string Label, double Value, bool Vertical = false);

/// <summary>Everything needed to draw one figure; rendering is deterministic (same spec, same bytes).</summary>
/// <param name="Name">File stem, e.g. "fig_concentration".</param>
/// <param name="Title">Title above the plot.</param>
/// <param name="XLabel">X axis label.</param>
/// <param name="YLabel">Y axis label.</param>
/// <param name="XScale">X axis scale.</param>
/// <param name="YScale">Y axis scale.</param>
/// <param name="Series">The data series.</param>
/// <param name="References">Reference lines.</param>
/// <param name="Width">Pixel width.</param>
/// <param name="Height">Pixel height.</param>
/// <param name="LegendOutside">Put the legend right of the plot even with few entries (when data may lie in the upper right corner).</param>
public sealed record FigureSpec(
    string Name,
    string Title,
    string XLabel,
    string YLabel,
    AxisScale XScale,
    AxisScale YScale,
    IReadOnlyList<FigureSeries> Series,
    IReadOnlyList<ReferenceLine>? References = null,
    int Width = 720,
    int Height = 480,
    bool LegendOutside = false);
