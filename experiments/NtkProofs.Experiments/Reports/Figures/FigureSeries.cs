namespace NtkProofs.Experiments.Reports.Figures;

/// <summary>How a series is drawn.</summary>
public enum SeriesStyle
{
    /// <summary>Markers joined by a line.</summary>
    LineWithMarkers,

    /// <summary>A line only.</summary>
    Line,

    /// <summary>A dashed line only (envelopes, fits, bounds).</summary>
    DashedLine,

    /// <summary>Markers only.</summary>
    Markers,
}

/// <summary>One data series of a figure, in data units (log scaling is applied by the renderer).</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates.</param>
/// <param name="Style">How it is drawn.</param>
/// <param name="ErrorLow">Optional lower error bar values (absolute, in data units), same length as Y.</param>
/// <param name="ErrorHigh">Optional upper error bar values.</param>
/// <param name="ColorIndex">Palette index; series sharing an index share a color (e.g. a curve and its envelope).</param>
public sealed record FigureSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, SeriesStyle Style = SeriesStyle.LineWithMarkers, IReadOnlyList<double>? ErrorLow = null, IReadOnlyList<double>? ErrorHigh = null, int? ColorIndex = null);
