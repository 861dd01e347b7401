using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Reports;

/// <summary>What <see cref="ReportBuilder.Build"/> wrote.</summary>
/// <param name="MarkdownPath">REPORT.md.</param>
/// <param name="HtmlPath">report.html.</param>
/// <param name="Ledger">The evaluated claims, in ledger order (C1, C2, ...).</param>
public sealed record ReportOutput(string MarkdownPath, string HtmlPath, IReadOnlyList<ClaimOutcome> Ledger);

/// <summary>
/// Assembles the report from groups of claims: header, the claims ledger (id, claim, verdict, headline; one row per claim,
/// each verdict from the claim's own rule), then one section per group with one subsection per claim (verdict, headline,
/// every number, points against, rule, decider, figures, details, commands); writes REPORT.md, the self-contained
/// report.html, data/ledger.json (every field) and manifest.json.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Evaluates every claim and writes the report files.</summary>
    /// <param name="context">Inputs and folders.</param>
    /// <param name="groups">The report's sections (normally <see cref="ClaimRegistry.Groups"/>).</param>
    /// <param name="manifest">The run manifest (written as manifest.json and summarized in the header).</param>
    public static ReportOutput Build(ReportContext context, IReadOnlyList<ClaimGroup> groups, JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(manifest);
        Directory.CreateDirectory(context.OutputFolder);
        Directory.CreateDirectory(context.DataFolder);
        Directory.CreateDirectory(context.FiguresFolder);
        var inputs = new ClaimInputs(context);
        var evaluated = groups
            .Select(g => (Group: g, Outcomes: g.Claims.Select(c => new ClaimOutcome(c.Id, c.Statement, g.Title, c.Evaluate(inputs)) { Evidence = context.Provenance(c.Configs) }).ToList()))
            .ToList();
        var ledger = evaluated.SelectMany(e => e.Outcomes).OrderBy(o => IdNumber(o.Id)).ToList();

        var md = new StringBuilder();
        md.AppendLine("# NtkProofs report: \"Towards Infinite-Long Prefix in Transformer\" (arXiv 2406.14036)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Profile **{context.Profile}**. Regenerate everything with `{context.ReportCommand}`. Definitions: `shared/spec/THEORY.md`; claims: `shared/spec/PAPER.md`.");
        md.AppendLine();
        md.AppendLine(ManifestSummary(manifest));
        md.AppendLine();
        AppendCommittedEvidence(md, context);
        md.AppendLine("## Claims ledger");
        md.AppendLine();
        md.AppendLine("Verdicts are computed from the measured data by each claim's own rule (stated in its section, linked from its id), never typed by hand.");
        md.AppendLine();
        md.AppendLine("| id | claim | verdict | headline |");
        md.AppendLine("|---|---|---|---|");
        foreach (var o in ledger)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| [{o.Id}](#{o.Anchor}) | {Cell(o.Statement)} | **{VerdictText.Of(o.Result.Verdict)}** | {Cell(o.Result.Headline)} |");
        }

        md.AppendLine();
        foreach (var (group, outcomes) in evaluated)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {group.Title}");
            md.AppendLine();
            md.AppendLine(group.Introduction);
            md.AppendLine();
            foreach (var o in outcomes)
            {
                AppendClaim(md, o, context);
            }
        }

        PerformanceSection.Append(md, context);

        string markdownPath = Path.Combine(context.OutputFolder, "REPORT.md");
        string htmlPath = Path.Combine(context.OutputFolder, "report.html");
        string text = md.ToString();
        AtomicFile.WriteAllText(Path.Combine(context.OutputFolder, "manifest.json"), manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(markdownPath, text);
        AtomicFile.WriteAllText(htmlPath, HtmlRenderer.Render(text, context.OutputFolder, "NtkProofs report"));
        AtomicFile.WriteAllText(Path.Combine(context.DataFolder, "ledger.json"), LedgerJson(ledger).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return new ReportOutput(markdownPath, htmlPath, ledger);
    }

    /// <summary>The ledger as JSON: every field of every claim's result.</summary>
    /// <param name="ledger">The evaluated claims.</param>
    public static JsonArray LedgerJson(IReadOnlyList<ClaimOutcome> ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        return new JsonArray(ledger.Select(o => (JsonNode)new JsonObject
        {
            ["id"] = o.Id,
            ["claim"] = o.Statement,
            ["group"] = o.Group,
            ["verdict"] = VerdictText.Of(o.Result.Verdict),
            ["headline"] = o.Result.Headline,
            ["numbers"] = Strings(o.Result.Numbers),
            ["rule"] = o.Result.Rule,
            ["decider"] = o.Result.Decider,
            ["against"] = Strings(o.Result.AgainstList),
            ["figures"] = new JsonArray(o.Result.FigureList.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Spec.Name,
                ["title"] = f.Spec.Title,
                ["caption"] = f.Caption,
            }).ToArray()),
            ["details"] = o.Result.Details,
            ["commands"] = Strings(o.Result.CommandList),
            ["evidence"] = Strings(o.Evidence),
        }).ToArray());
    }

    private static void AppendClaim(StringBuilder md, ClaimOutcome o, ReportContext context)
    {
        var r = o.Result;
        md.AppendLine(CultureInfo.InvariantCulture, $"<a id=\"{o.Anchor}\"></a>");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {o.Id}: {o.Statement}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| verdict | headline |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **{VerdictText.Of(r.Verdict)}** | {Cell(r.Headline)} |");
        md.AppendLine();
        if (r.Numbers.Count > 0)
        {
            md.AppendLine("Numbers:");
            md.AppendLine();
            foreach (string n in r.Numbers)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {Line(n)}");
            }

            md.AppendLine();
        }

        if (r.AgainstList.Count > 0)
        {
            md.AppendLine("Against the claim:");
            md.AppendLine();
            foreach (string a in r.AgainstList)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {Line(a)}");
            }

            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Rule: {Line(r.Rule)}");
        md.AppendLine();
        foreach (string e in o.Evidence)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Evidence: {Line(e)}");
            md.AppendLine();
        }

        if (r.Verdict == Verdict.Inconclusive && !string.IsNullOrWhiteSpace(r.Decider))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"What would decide: {Line(r.Decider)}");
            md.AppendLine();
        }

        foreach (var f in r.FigureList)
        {
            ReportFigure.Append(md, f.Spec, f.Caption, context);
        }

        if (!string.IsNullOrWhiteSpace(r.Details))
        {
            md.AppendLine(r.Details.TrimEnd());
            md.AppendLine();
        }

        if (r.CommandList.Count > 0)
        {
            md.AppendLine("Regenerate:");
            md.AppendLine();
            foreach (string c in r.CommandList)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{c}`");
            }

            md.AppendLine();
        }
    }

    /// <summary>The header's list of committed evidence the report read (nothing when there is none).</summary>
    private static void AppendCommittedEvidence(StringBuilder md, ReportContext context)
    {
        var committed = context.CommittedSweeps.ToList();
        if (committed.Count == 0)
        {
            return;
        }

        md.AppendLine("Committed evidence read, not run, by this report (long sharded sweeps of profile `decisive`, committed line by line as points finish; the rows that use it say so):");
        md.AppendLine();
        md.AppendLine("| config | points | commits | last point (UTC) | continue with |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in committed)
        {
            var e = s.Committed!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.ConfigName} | {e.Points} of {e.Planned} | {string.Join(", ", e.Commits)} | {e.LastFinishedUtc:yyyy-MM-dd HH:mm} | `{Cell(e.Command)}` |");
        }

        md.AppendLine();
    }

    private static int IdNumber(string id) =>
        id.Length > 1 && int.TryParse(id.AsSpan(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;

    private static string ManifestSummary(JsonObject manifest)
    {
        string Get(string key) => manifest.TryGetPropertyValue(key, out var v) && v is not null ? v.ToString() : "unknown";
        return $"Run `{Get("id")}`: commit `{Get("git_commit")}`{(Get("git_dirty") == "true" ? " (dirty working tree)" : string.Empty)}, {Get("dotnet")}, libtorch {Get("libtorch")}, {Get("os")}, {Get("cpu")} ({Get("logical_cores")} logical cores), {Get("torch_threads")} TorchSharp threads, device {Get("device")}, started {Get("start_utc")} UTC, wall time {(double.TryParse(Get("wall_seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out double wall) ? wall.ToString("F0", CultureInfo.InvariantCulture) : "unknown")} s. Full manifest: [`manifest.json`](manifest.json).";
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Line(string s) => s.Replace("\n", " ", StringComparison.Ordinal);
}
