using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>The report built from groups of claims: the short ledger table, one subsection per claim, ledger.json, coloured verdicts.</summary>
public sealed class ReportBuilderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("report-builder").FullName;

    public void Dispose() => Directory.Delete(root, true);

    private sealed record FixedClaim(string Id, string Statement, ClaimResult Result) : IClaim
    {
        public IReadOnlyList<string> Configs => [];

        public ClaimResult Evaluate(ClaimInputs inputs) => Result;
    }

    [Fact]
    public void LedgerHasOneShortRowPerClaimAndEachClaimItsOwnSection()
    {
        var groups = new[]
        {
            new ClaimGroup("Group A", "intro A",
            [
                new FixedClaim("C2", "second", new ClaimResult(Verdict.NotSupported, "slope 0.3 [0.1, 0.5]", ["number one", "number two"], "rule two", Against: ["point against"], Commands: ["./ntkproofs sweep x"])),
                new FixedClaim("C1", "first", new ClaimResult(Verdict.Supported, "h1", ["n1"], "rule one")),
            ]),
            new ClaimGroup("Group B", "intro B",
            [
                new FixedClaim("C3", "third", new ClaimResult(Verdict.Inconclusive, "h3", [], "rule three", Decider: "needs >= 5 seeds")),
                new FixedClaim("C4", "fourth", new ClaimResult(Verdict.SupportedWithCaveat, "h4", [], "rule four", Details: "| a | b |\n|---|---|\n| 1 | 2 |")),
            ]),
        };
        var context = new ReportContext("smoke", root, new Dictionary<string, SweepResults>(), "./ntkproofs report --profile smoke");
        var output = ReportBuilder.Build(context, groups, new JsonObject { ["id"] = "test" });

        Assert.Equal(["C1", "C2", "C3", "C4"], output.Ledger.Select(o => o.Id));
        string md = File.ReadAllText(output.MarkdownPath);
        Assert.Contains("| id | claim | verdict | headline |", md, StringComparison.Ordinal);
        Assert.Contains("| [C2](#c2) | second | **not supported** | slope 0.3 [0.1, 0.5] |", md, StringComparison.Ordinal);
        Assert.Contains("<a id=\"c2\"></a>", md, StringComparison.Ordinal);
        Assert.Contains("### C2: second", md, StringComparison.Ordinal);
        Assert.Contains("- number two", md, StringComparison.Ordinal);
        Assert.Contains("- point against", md, StringComparison.Ordinal);
        Assert.Contains("What would decide: needs >= 5 seeds", md, StringComparison.Ordinal);
        Assert.Contains("- `./ntkproofs sweep x`", md, StringComparison.Ordinal);
        Assert.True(md.IndexOf("## Group A", StringComparison.Ordinal) < md.IndexOf("### C2: second", StringComparison.Ordinal));
        Assert.True(md.IndexOf("### C2: second", StringComparison.Ordinal) < md.IndexOf("### C1: first", StringComparison.Ordinal));

        string html = File.ReadAllText(output.HtmlPath);
        Assert.Contains("class=\"verdict-supported\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict-not-supported\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict-inconclusive\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict-caveat\"", html, StringComparison.Ordinal);
        Assert.Contains("td.verdict-not-supported {", html, StringComparison.Ordinal);

        var ledger = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "data", "ledger.json")))!.AsArray();
        var c2 = ledger.First(n => n!["id"]!.GetValue<string>() == "C2")!;
        Assert.Equal("not supported", c2["verdict"]!.GetValue<string>());
        Assert.Equal(2, c2["numbers"]!.AsArray().Count);
        Assert.Equal("rule two", c2["rule"]!.GetValue<string>());
        Assert.Equal("point against", c2["against"]![0]!.GetValue<string>());
        Assert.Equal("./ntkproofs sweep x", c2["commands"]![0]!.GetValue<string>());
        Assert.Equal("needs >= 5 seeds", ledger.First(n => n!["id"]!.GetValue<string>() == "C3")!["decider"]!.GetValue<string>());
    }

    [Fact]
    public void TheRegistryCoversC1ToC21()
    {
        Assert.Equal(Enumerable.Range(1, 21).Select(i => $"C{i}"), ClaimRegistry.All.Select(c => c.Id));
    }
}
