using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Tests.Experiments.Sweeps;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>Committed evidence of the decisive profile: shards joined and checked, provenance and commands, protocol runs superseding single runs.</summary>
public sealed class DecisiveEvidenceTests : SweepTestFolder
{
    private const string Name = "fake-grid";

    private string Folder => Path.Combine(Root, "reports", "decisive", Name);

    private SweepPlan WriteConfig() =>
        SweepConfig.Load(Write(Path.Combine("experiments", "configs", "decisive", Name + ".json"), StandardConfig), new FakeExperiment()).Plan();

    private void RunShard(SweepPlan plan, int i, string manifest)
    {
        var shard = new ShardSpec(i, 3);
        using var store = ResultStore.Open(Path.Combine(Folder, $"fake.{shard.FileSuffix}.jsonl"), plan, shard, resume: false);
        SweepRunner.Run(plan, new SweepRunOptions { Shard = shard, ManifestId = manifest }, store);
    }

    private IReadOnlyList<(SweepResults Sweep, MergeOutcome Lines)> Load() => DecisiveEvidence.Load(Root, _ => new FakeExperiment());

    [Fact]
    public void Committed_shards_are_joined_with_their_commits_and_the_command_that_continues_them()
    {
        var plan = WriteConfig();
        RunShard(plan, 1, "abc1234-20261202T000000Z");
        RunShard(plan, 3, "def5678-20261202T010000Z");
        File.AppendAllText(Path.Combine(Folder, "fake.shard-3-of-3.jsonl"), "{\"key\": \"trunc"); // a run in progress

        var (sweep, lines) = Assert.Single(Load());
        var e = sweep.Committed!;
        Assert.Equal(Name, sweep.ConfigName);
        Assert.Equal(12, sweep.Records.Count);
        Assert.Equal((12, 18, false), (e.Points, e.Planned, e.Complete));
        Assert.Equal(["abc1234", "def5678"], e.Commits);
        Assert.Equal("reports/decisive/" + Name, e.Folder);
        Assert.Equal(plan.Select(new ShardSpec(2, 3)).Select(p => p.Index), lines.Missing.Select(p => p.Index));
        Assert.Contains($"--out reports/decisive/{Name} --resume", e.Command, StringComparison.Ordinal);
        Assert.StartsWith("./ntkproofs sweep fake --config ", e.Command, StringComparison.Ordinal);
        string text = e.Describe(Name);
        Assert.Contains("12 of 18 points", text, StringComparison.Ordinal);
        Assert.Contains("still under way", text, StringComparison.Ordinal);
        Assert.Contains("abc1234, def5678", text, StringComparison.Ordinal);
        Assert.Equal(0, e.StoredParts);
        Assert.DoesNotContain("parts/", text, StringComparison.Ordinal);

        // Finished runs of a point in progress (stored parts) are counted and named, not read as results.
        var inProgress = plan.Select(new ShardSpec(2, 3))[0].Point.Key;
        new PointParts(Folder, inProgress, plan.Config.Seed).Write("run-1", new System.Text.Json.Nodes.JsonObject { ["x"] = 1 });
        new PointParts(Folder, inProgress, plan.Config.Seed).Write("run-2", new System.Text.Json.Nodes.JsonObject { ["x"] = 2 });
        new PointParts(Folder, plan.Select(new ShardSpec(1, 3))[0].Point.Key, plan.Config.Seed).Write("run-1", new System.Text.Json.Nodes.JsonObject { ["x"] = 3 }); // a stored point's leftover
        new PointParts(Folder, plan.Select(new ShardSpec(2, 3))[1].Point.Key, plan.Config.Seed + 1).Write("run-1", new System.Text.Json.Nodes.JsonObject { ["x"] = 4 }); // another master seed
        var withParts = Assert.Single(Load()).Sweep.Committed!;
        Assert.Equal((12, 2), (withParts.Points, withParts.StoredParts));
        Assert.Contains("2 finished run(s) of points in progress are stored in `reports/decisive/" + Name + "/parts/`", withParts.Describe(Name), StringComparison.Ordinal);

        RunShard(plan, 2, "abc1234-20261202T000000Z");
        var complete = Assert.Single(Load()).Sweep.Committed!;
        Assert.True(complete.Complete);
        Assert.DoesNotContain("under way", complete.Describe(Name), StringComparison.Ordinal);
    }

    [Fact]
    public void Configs_without_lines_and_roots_without_the_profile_give_nothing()
    {
        Assert.Empty(Load());
        WriteConfig();
        Assert.Empty(Load());
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "fake.jsonl"), string.Empty);
        Assert.Empty(Load());
    }

    [Fact]
    public void A_committed_line_of_another_config_is_an_error_naming_the_file()
    {
        WriteConfig();
        var other = SweepConfig.Load(Write("other.json", StandardConfig.Replace("\"seed\": 7", "\"seed\": 8", StringComparison.Ordinal)), new FakeExperiment()).Plan();
        RunShard(other, 1, "abc1234-x");
        var error = Assert.Throws<InvalidDataException>(() => Load());
        Assert.Contains("fake.shard-1-of-3.jsonl:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("master seed 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_context_names_committed_configs_and_their_command_only()
    {
        var plan = WriteConfig();
        RunShard(plan, 1, "abc1234-x");
        var committed = Assert.Single(Load()).Sweep;
        var ran = new SweepResults("concentration", "experiments/configs/quick/concentration.json", "kernel-concentration", []);
        var context = new ReportContext("quick", Root, new Dictionary<string, SweepResults> { [Name] = committed, ["concentration"] = ran }, "./ntkproofs report");
        Assert.Equal(committed.Committed!.Command, context.SweepCommand(committed));
        Assert.Equal("./ntkproofs sweep kernel-concentration --config experiments/configs/quick/concentration.json", context.SweepCommand(ran));
        var provenance = Assert.Single(context.Provenance([Name, "concentration", "absent", Name]));
        Assert.Contains("6 of 18 points", provenance, StringComparison.Ordinal);
        Assert.Empty(context.Provenance(["concentration"]));
        Assert.Equal([Name], context.CommittedSweeps.Select(s => s.ConfigName));
    }

    [Fact]
    public void Protocol_runs_supersede_single_runs_on_their_task_only()
    {
        static FinetuneRun Run(string task, string key, long seed) =>
            new(task, "lora", "r = 8, alpha = 16", key, seed, 0, string.Empty, 0.8, 0.8, 74_498, 22_000_000, 74_498, 0.1, 500, 400, 10, 0.4, 10, "10 steps", 1e-3, 200);
        var protocol = new[] { Run("polarity", "protocol", 1), Run("polarity", "protocol", 2) };
        var single = new[] { Run("polarity", "quick", 1), Run("uncertainty", "quick", 1) };
        var runs = FineTuningRuns.Superseding(protocol, single);
        Assert.Equal([("uncertainty", "quick"), ("polarity", "protocol"), ("polarity", "protocol")], runs.Select(r => (r.Task, r.SettingKey)));
        Assert.Equal(2, FineTuningRuns.Superseding([], single).Count);
    }
}

/// <summary>The repository's own committed decisive evidence parses, and every claim evaluates on it (CI reads it in the smoke report).</summary>
public sealed class CommittedDecisiveEvidenceTests
{
    [Fact]
    public void The_committed_lines_belong_to_their_configs_and_every_claim_evaluates_on_them()
    {
        string root = NtkProofs.Experiments.Cli.RepositoryPaths.Root();
        var loaded = DecisiveEvidence.Load(root);
        foreach (var (sweep, lines) in loaded)
        {
            Assert.Equal(sweep.Records.Count, lines.Results.Count);
            Assert.All(lines.Files, f => Assert.True(f.Results > 0 || !f.TruncatedTail, $"{f.Path}: only a truncated line"));
        }

        var context = new ReportContext("smoke", Path.GetTempPath(), loaded.ToDictionary(l => l.Sweep.ConfigName, l => l.Sweep), "./ntkproofs report --profile smoke");
        var inputs = new NtkProofs.Experiments.Reports.Claims.ClaimInputs(context);
        foreach (var claim in NtkProofs.Experiments.Reports.Claims.ClaimRegistry.Groups.SelectMany(g => g.Claims))
        {
            var result = claim.Evaluate(inputs);
            Assert.False(string.IsNullOrWhiteSpace(result.Rule), claim.Id);
            if (claim.Configs.Any(c => context.Sweep(c)?.Committed is not null))
            {
                Assert.NotEmpty(context.Provenance(claim.Configs));
            }
        }
    }
}
