using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// Turns the report's Markdown into one self-contained HTML page (Markdig): relative image links are replaced by data URIs
/// of the files they point to, so the page needs nothing beside it. A table cell whose whole text is a verdict
/// ("supported", "supported with caveat", "not supported", "inconclusive") gets the CSS class of <see cref="VerdictClass"/>
/// and is coloured (green, amber, red, grey).
/// </summary>
public static class HtmlRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Renders <paramref name="markdown"/>; image paths are resolved against <paramref name="baseFolder"/>.</summary>
    /// <param name="markdown">The report Markdown.</param>
    /// <param name="baseFolder">The folder the Markdown's relative links are relative to.</param>
    /// <param name="title">The page title.</param>
    public static string Render(string markdown, string baseFolder, string title)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().Where(l => l.IsImage && l.Url is not null && !l.Url.Contains(':', StringComparison.Ordinal)))
        {
            string path = Path.Combine(baseFolder, link.Url!);
            if (File.Exists(path))
            {
                string mime = Path.GetExtension(path).ToLowerInvariant() switch
                {
                    ".svg" => "image/svg+xml",
                    ".jpg" or ".jpeg" => "image/jpeg",
                    _ => "image/png",
                };
                link.Url = $"data:{mime};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}";
            }
        }

        foreach (var cell in document.Descendants<TableCell>())
        {
            string text = string.Concat(cell.Descendants<LiteralInline>().Select(l => l.Content.ToString())).Trim();
            if (VerdictClass(text) is { } css)
            {
                cell.GetAttributes().AddClass(css);
            }
        }

        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{System.Net.WebUtility.HtmlEncode(title)}}</title>
            <style>
            body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
            th, td { border: 1px solid #bbb; padding: 4px 8px; vertical-align: top; }
            th { background: #f0f0f0; }
            img { max-width: 100%; }
            code { background: #f4f4f4; padding: 0 3px; }
            td.verdict-supported { background: #c8e6c9; }
            td.verdict-caveat { background: #ffe0b2; }
            td.verdict-not-supported { background: #ffcdd2; }
            td.verdict-inconclusive { background: #e0e0e0; }
            </style>
            </head>
            <body>
            {{writer}}
            </body>
            </html>
            """;
    }

    /// <summary>The CSS class of a verdict's display text, or null when the text is not a verdict.</summary>
    /// <param name="verdictText">"supported", "supported with caveat", "not supported" or "inconclusive".</param>
    public static string? VerdictClass(string verdictText) => verdictText switch
    {
        "supported" => "verdict-supported",
        "supported with caveat" => "verdict-caveat",
        "not supported" => "verdict-not-supported",
        "inconclusive" => "verdict-inconclusive",
        _ => null,
    };
}
