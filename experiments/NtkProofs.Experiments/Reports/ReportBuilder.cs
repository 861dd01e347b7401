using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Reports;

/// <summary>What <see cref="ReportBuilder.Build"/> wrote.</summary>
/// <param name="MarkdownPath">REPORT.md.</param>
/// <param name="HtmlPath">report.html.</param>
/// <param name="Ledger">The claims ledger rows, C1..C12.</param>
public sealed record ReportOutput(string MarkdownPath, string HtmlPath, IReadOnlyList<LedgerRow> Ledger);

/// <summary>
/// Assembles the report: header, claims ledger (one row per PAPER.md claim, verdicts from the sections' stated rules),
/// then each section; writes REPORT.md, the self-contained report.html and manifest.json.
/// </summary>
public static class ReportBuilder
{
    /// <summary>The sections of the report, in order.</summary>
    public static IReadOnlyList<IReportSection> DefaultSections { get; } =
    [
        new Sections.LemmaSection(),
        new Sections.AttentionSection(),
    ];

    /// <summary>Builds every section and writes the report files.</summary>
    /// <param name="context">Inputs and folders.</param>
    /// <param name="sections">Sections to include.</param>
    /// <param name="manifest">The run manifest (written as manifest.json and summarized in the header).</param>
    public static ReportOutput Build(ReportContext context, IReadOnlyList<IReportSection> sections, JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(manifest);
        Directory.CreateDirectory(context.OutputFolder);
        Directory.CreateDirectory(context.DataFolder);
        Directory.CreateDirectory(context.FiguresFolder);
        var outputs = sections.Select(s => (Section: s, Output: s.Build(context))).ToList();
        var rows = new Dictionary<string, LedgerRow>();
        foreach (var (_, output) in outputs)
        {
            foreach (var row in output.Ledger)
            {
                rows[row.Id] = row;
            }
        }

        var ledger = ClaimCatalog.All
            .Select(c => rows.TryGetValue(c.Id, out var r) ? r : ClaimCatalog.NotRun(c.Id, "no section of this build measures it yet"))
            .ToList();

        var md = new StringBuilder();
        md.AppendLine("# NtkProofs report: \"Towards Infinite-Long Prefix in Transformer\" (arXiv 2406.14036)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Profile **{context.Profile}**. Regenerate everything with `{context.ReportCommand}`. Definitions: `shared/spec/THEORY.md`; claims: `shared/spec/PAPER.md`.");
        md.AppendLine();
        md.AppendLine(ManifestSummary(manifest));
        md.AppendLine();
        md.AppendLine("## Claims ledger");
        md.AppendLine();
        md.AppendLine("Verdicts are computed from the measured data by the rule given in each row, never typed by hand.");
        md.AppendLine();
        md.AppendLine("| id | claim | verdict | key numbers | rule | figures | regenerate |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in ledger)
        {
            string figures = r.Figures.Count == 0 ? "-" : string.Join(", ", r.Figures.Select(f => $"[{f}](figures/{f}.png)"));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {Cell(r.Claim)} | **{VerdictText.Of(r.Verdict)}** | {Cell(r.KeyNumber)} | {Cell(r.Rule)} | {figures} | `{Cell(r.Command)}` |");
        }

        md.AppendLine();
        foreach (var (section, output) in outputs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {section.Title}");
            md.AppendLine();
            md.AppendLine(output.Markdown);
        }

        string markdownPath = Path.Combine(context.OutputFolder, "REPORT.md");
        string htmlPath = Path.Combine(context.OutputFolder, "report.html");
        string text = md.ToString();
        AtomicFile.WriteAllText(Path.Combine(context.OutputFolder, "manifest.json"), manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(markdownPath, text);
        AtomicFile.WriteAllText(htmlPath, HtmlRenderer.Render(text, context.OutputFolder, "NtkProofs report"));
        var ledgerJson = new JsonArray(ledger.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id,
            ["claim"] = r.Claim,
            ["verdict"] = VerdictText.Of(r.Verdict),
            ["key_numbers"] = r.KeyNumber,
            ["rule"] = r.Rule,
            ["figures"] = new JsonArray(r.Figures.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
            ["command"] = r.Command,
        }).ToArray());
        AtomicFile.WriteAllText(Path.Combine(context.DataFolder, "ledger.json"), ledgerJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return new ReportOutput(markdownPath, htmlPath, ledger);
    }

    private static string ManifestSummary(JsonObject manifest)
    {
        string Get(string key) => manifest.TryGetPropertyValue(key, out var v) && v is not null ? v.ToString() : "unknown";
        return $"Run `{Get("id")}`: commit `{Get("git_commit")}`{(Get("git_dirty") == "true" ? " (dirty working tree)" : string.Empty)}, {Get("dotnet")}, libtorch {Get("libtorch")}, {Get("os")}, {Get("cpu")} ({Get("logical_cores")} logical cores), {Get("torch_threads")} TorchSharp threads, device {Get("device")}, started {Get("start_utc")} UTC, wall time {(double.TryParse(Get("wall_seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out double wall) ? wall.ToString("F0", CultureInfo.InvariantCulture) : "unknown")} s. Full manifest: [`manifest.json`](manifest.json).";
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
