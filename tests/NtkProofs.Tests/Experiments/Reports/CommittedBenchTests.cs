using System.Text;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>
/// The committed quiet-machine performance run (<c>reports/perf/</c>): it loads, the report's Performance section shows it
/// above the report's own run (and alone when the profile has no perf sweep), an absent folder is no run, and a broken file
/// is a one-line error naming it.
/// </summary>
public sealed class CommittedBenchTests
{
    [Fact]
    public void The_committed_run_loads_with_every_goal_and_its_commit()
    {
        var bench = CommittedBench.Load(RepositoryPaths.Root());
        Assert.NotNull(bench);
        Assert.True(bench.Result.AtGoalSizes, "the committed run is at the goal sizes");
        Assert.Equal(8, bench.Result.Rows.Count);
        Assert.Matches("^[0-9a-f]{7}$", bench.Commit);
        Assert.Equal(CommittedBench.RegenerateCommand, bench.Command);
    }

    [Fact]
    public void The_section_shows_the_committed_run_first_and_labels_the_reports_own_run()
    {
        var bench = CommittedBench.Load(RepositoryPaths.Root())!;
        var line = (JsonObject)JsonNode.Parse(File.ReadLines(Path.Combine(RepositoryPaths.Root(), CommittedBench.DefaultFolder, "perf.jsonl")).Last())!;
        var point = new SweepPoint("perf", ((JsonObject)line["point"]!).ToDictionary(p => p.Key, p => p.Value!.DeepClone()));
        var sweeps = new Dictionary<string, SweepResults> { ["perf"] = new("perf", "experiments/configs/quick/perf.json", "perf", [new SweepRecord(point, (JsonObject)line["result"]!.DeepClone())]) };

        var md = new StringBuilder();
        PerformanceSection.Append(md, new ReportContext("quick", Path.GetTempPath(), sweeps, "./ntkproofs report") { CommittedBench = bench });
        string text = md.ToString();
        int committed = text.IndexOf("### Committed run on a quiet machine (full profile)", StringComparison.Ordinal);
        int own = text.IndexOf("### This report's own run ('quick' profile)", StringComparison.Ordinal);
        Assert.True(committed > 0 && own > committed, "the committed run comes first, then the report's own");
        Assert.Contains($"measured by commit {bench.Commit}", text, StringComparison.Ordinal);
        Assert.Contains($"Regenerate: `{CommittedBench.RegenerateCommand}`", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("| empirical kernel, fixed |").Length - 1);

        // Without the profile's own perf sweep, the committed run is still shown, and the missing sweep is said.
        md.Clear();
        PerformanceSection.Append(md, new ReportContext("smoke", Path.GetTempPath(), new Dictionary<string, SweepResults>(), "./ntkproofs report") { CommittedBench = bench });
        text = md.ToString();
        Assert.Contains("### Committed run on a quiet machine", text, StringComparison.Ordinal);
        Assert.Contains("The 'perf' sweep did not run in this profile.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("### This report's own run", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_folder_is_no_committed_run_and_a_broken_file_is_an_error_naming_it()
    {
        string root = Directory.CreateTempSubdirectory("committed-bench").FullName;
        try
        {
            Assert.Null(CommittedBench.Load(root));
            Directory.CreateDirectory(Path.Combine(root, "reports", "perf"));
            File.WriteAllText(Path.Combine(root, "reports", "perf", "perf.jsonl"), "{\"key\": \"x\", \"result\": 3}\n");
            var e = Assert.Throws<InvalidDataException>(() => CommittedBench.Load(root));
            Assert.StartsWith("reports/perf/perf.jsonl: not a perf result", e.Message, StringComparison.Ordinal);
            Assert.Contains(CommittedBench.RegenerateCommand, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
