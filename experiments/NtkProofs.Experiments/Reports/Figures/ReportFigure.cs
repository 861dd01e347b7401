using System.Globalization;
using System.Text;

namespace NtkProofs.Experiments.Reports.Figures;

/// <summary>Writes one report figure (PNG, SVG and its CSV data) and its Markdown: the image, then the caption with links.</summary>
public static class ReportFigure
{
    /// <summary>Saves the figure and its data under the report's folders and appends its Markdown to <paramref name="md"/>.</summary>
    /// <param name="md">The section's Markdown.</param>
    /// <param name="spec">The figure.</param>
    /// <param name="caption">What the figure shows, after its title.</param>
    /// <param name="context">The report's folders.</param>
    public static void Append(StringBuilder md, FigureSpec spec, string caption, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        FigureRenderer.Save(spec, context.FiguresFolder);
        FigureData.Save(spec, context.DataFolder);
        md.AppendLine(CultureInfo.InvariantCulture, $"![{spec.Title}](figures/{spec.Name}.png)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"*{spec.Title}.* {caption} Data: [`data/{spec.Name}.csv`](data/{spec.Name}.csv), vector: [`figures/{spec.Name}.svg`](figures/{spec.Name}.svg).");
        md.AppendLine();
    }
}
