using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary><c>ntkproofs sweep</c> and <c>ntkproofs merge</c> end to end through <see cref="CliRunner"/>: files, exit codes, messages.</summary>
public sealed class SweepCommandTests : SweepTestFolder
{
    public SweepCommandTests()
    {
        ExperimentRegistry.Register(new FakeExperiment());
        Config = Write("configs/fake.json", StandardConfig);
    }

    private string Config { get; }

    private string Out => Path.Combine(Root, "out");

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The text of a printed table with its borders and line wraps removed (cells wrap at spaces).</summary>
    private static string Flat(string stdout) =>
        string.Join(' ', stdout.Split((char[])['\n', '\r', '│', '┌', '┐', '└', '┘', '├', '┤', '─', '┬', '┴', '┼'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0));

    private static void AssertBadInput((int Code, string Stdout, string Stderr) run, string expected)
    {
        Assert.True(run.Code == ExitCodes.BadInput, $"exit {run.Code}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SweepWritesResultsAndManifestAndPrintsASummary()
    {
        var (code, stdout, stderr) = Run("sweep", "fake", "--config", Config, "--out", Out, "--quiet");
        Assert.True(code == ExitCodes.Success, stderr);
        string results = Path.Combine(Out, "fake.jsonl");
        var lines = JsonLinesReader.Read(results).Lines;
        Assert.Equal(18, lines.Count);
        var manifest = RunManifest.FromJson(File.ReadAllText(Path.Combine(Out, RunManifest.FileName)));
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal("sweep", manifest.Command);
        Assert.Equal(7, manifest.MasterSeed);
        Assert.Equal(Path.GetFullPath(Config), manifest.Config);
        Assert.Equal(18, manifest.Counts!["computed"]);
        Assert.StartsWith("ntkproofs sweep fake --config ", manifest.CommandLine, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Equal(manifest.Id, l.Value["manifest"]!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(Out, RunManifest.ArchiveFolder, manifest.Id + ".json")));
        Assert.Contains("computed now", stdout, StringComparison.Ordinal);
        Assert.Contains(results, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("to run", stdout, StringComparison.Ordinal); // quiet: no progress messages
    }

    [Fact]
    public void RerunningWithoutResumeIsRefusedAndChangesNothing()
    {
        Assert.Equal(ExitCodes.Success, Run("sweep", "fake", "--config", Config, "--out", Out, "--quiet").Code);
        string results = Path.Combine(Out, "fake.jsonl");
        byte[] before = File.ReadAllBytes(results);
        string manifestBefore = File.ReadAllText(Path.Combine(Out, RunManifest.FileName));

        AssertBadInput(Run("sweep", "fake", "--config", Config, "--out", Out, "--quiet"), "pass --resume");
        Assert.Equal(before, File.ReadAllBytes(results));
        Assert.Equal(manifestBefore, File.ReadAllText(Path.Combine(Out, RunManifest.FileName)));

        var resumed = Run("sweep", "fake", "--config", Config, "--out", Out, "--resume");
        Assert.True(resumed.Code == ExitCodes.Success, resumed.Stderr);
        Assert.Contains("18 already done, 0 to run", resumed.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(results));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Out, RunManifest.ArchiveFolder)).Length);
    }

    [Fact]
    public void BadInputExitsWithTwoAndANamedProblem()
    {
        AssertBadInput(Run("sweep", "other", "--config", Config, "--out", Out), "config for experiment 'fake', but the command line names 'other'");
        AssertBadInput(Run("sweep", "fake", "--config", Path.Combine(Root, "missing.json"), "--out", Out), "config file not found");
        AssertBadInput(Run("sweep", "fake", "--config", Write("bad.json", "{\"experiment\": \"fake\",\n \"sweep\": {\"m\": [1,]]}}"), "--out", Out), "malformed JSON at line 2");
        AssertBadInput(Run("sweep", "fake", "--config", Write("unknown.json", """{"experiment": "fake", "sweep": {"q": [1]}}"""), "--out", Out), "unknown parameter 'q'");
        AssertBadInput(Run("sweep", "fake", "--config", Config, "--out", Out, "--shard", "4/3"), "1 <= i <= N");
        AssertBadInput(Run("sweep", "fake", "--config", Config, "--out", Out, "--shard", "two"), "expected i/N");
        AssertBadInput(Run("sweep", "fake", "--config", Config, "--out", Out, "--threads", "0"), "--threads must be at least 1");
        AssertBadInput(Run("sweep", "fake", "--out", Out), "--config");
        AssertBadInput(Run("sweep", "fake", "--config", Config, "--device", "tpu"), "tpu");
        if (!TorchSharp.torch.cuda.is_available())
        {
            AssertBadInput(Run("sweep", "fake", "--config", Config, "--out", Out, "--device", "cuda"), "CUDA is not available");
        }

        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void DryRunPrintsThePlanAndWritesNothing()
    {
        var (code, stdout, stderr) = Run("sweep", "fake", "--config", Config, "--out", Out, "--shard", "2/3", "--dry-run");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("axis m", stdout, StringComparison.Ordinal);
        Assert.Contains("2/3: 6 points", stdout, StringComparison.Ordinal);
        Assert.Contains("fake.shard-2-of-3.jsonl", stdout, StringComparison.Ordinal);
        Assert.Contains("no estimate: experiment 'fake' has no calibrated cost model (6 points)", Flat(stdout), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void DryRunOfARealConfigPrintsAnEstimatedCostAndRunsNothing()
    {
        string config = Path.Combine(RepositoryPaths.Root(), "experiments", "configs", "quick", "theoremb-r.json");
        var (code, stdout, stderr) = Run("sweep", "ntk-bound", "--config", config, "--out", Out, "--dry-run");
        Assert.True(code == ExitCodes.Success, stderr);
        string flat = Flat(stdout);
        Assert.Contains("estimated cost", flat, StringComparison.Ordinal);
        Assert.Contains("for 90 points (an estimate, not a measurement", flat, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void ShardedSweepsMergeIntoTheUnshardedResults()
    {
        Assert.Equal(ExitCodes.Success, Run("sweep", "fake", "--config", Config, "--out", Path.Combine(Root, "all"), "--quiet").Code);
        var shards = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            string dir = Path.Combine(Root, $"node{i}");
            var run = Run("sweep", "fake", "--config", Config, "--out", dir, "--shard", $"{i}/3", "--quiet");
            Assert.True(run.Code == ExitCodes.Success, run.Stderr);
            shards.Add(Path.Combine(dir, $"fake.shard-{i}-of-3.jsonl"));
        }

        string merged = Path.Combine(Out, "fake.jsonl");
        var (code, stdout, stderr) = Run(["merge", "--config", Config, "--out", merged, .. shards]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("merged", stdout, StringComparison.Ordinal);
        Assert.Equal(SweepAssert.FileOutcomes(Path.Combine(Root, "all", "fake.jsonl")), SweepAssert.FileOutcomes(merged));

        // Every line stays traceable: the shards' run manifests are copied next to the merged file.
        var ids = ResultStore.Read(merged).Select(r => r.Manifest!).Distinct().ToList();
        Assert.Equal(3, ids.Count);
        Assert.All(ids, id => Assert.True(File.Exists(Path.Combine(Out, RunManifest.ArchiveFolder, id + ".json"))));
        var manifest = RunManifest.FromJson(File.ReadAllText(Path.Combine(Out, RunManifest.FileName)));
        Assert.Equal("merge", manifest.Command);
        Assert.Equal(3, manifest.Counts!["run_manifests_copied"]);
    }

    [Fact]
    public void MergeWithAMissingShardExitsTwoAndWritesNothing()
    {
        string dir = Path.Combine(Root, "node1");
        Assert.Equal(ExitCodes.Success, Run("sweep", "fake", "--config", Config, "--out", dir, "--shard", "1/3", "--quiet").Code);
        string merged = Path.Combine(Out, "fake.jsonl");
        AssertBadInput(Run("merge", "--config", Config, "--out", merged, Path.Combine(dir, "fake.shard-1-of-3.jsonl")), "12 of 18 points");
        Assert.False(Directory.Exists(Out));
        AssertBadInput(Run("merge", "--config", Config, "--out", merged, Path.Combine(dir, "nope.jsonl")), "results file not found");
        AssertBadInput(Run("merge", "--config", Config, "--out", merged), "Required argument missing");
    }

    [Fact]
    public void MergeReplacesAnotherFileOnlyWithForce()
    {
        Assert.Equal(ExitCodes.Success, Run("sweep", "fake", "--config", Config, "--out", Out, "--quiet").Code);
        string input = Path.Combine(Out, "fake.jsonl");
        string target = Write("precious.jsonl", "keep me\n");
        AssertBadInput(Run("merge", "--config", Config, "--out", target, input), "pass --force");
        Assert.Equal("keep me\n", File.ReadAllText(target));
        Assert.Equal(ExitCodes.Success, Run("merge", "--config", Config, "--out", target, "--force", input).Code);
        Assert.Equal(SweepAssert.FileOutcomes(input), SweepAssert.FileOutcomes(target));

        // Merging a file into itself is allowed (nothing can be lost).
        Assert.Equal(ExitCodes.Success, Run("merge", "--config", Config, "--out", input, input).Code);
    }

    [Fact]
    public void HelpIsAvailableForBothCommands()
    {
        var sweep = Run("sweep", "--help");
        Assert.Equal(ExitCodes.Success, sweep.Code);
        Assert.Contains("--shard", sweep.Stdout, StringComparison.Ordinal);
        Assert.Contains("--resume", sweep.Stdout, StringComparison.Ordinal);
        var merge = Run("merge", "--help");
        Assert.Equal(ExitCodes.Success, merge.Code);
        Assert.Contains("--force", merge.Stdout, StringComparison.Ordinal);
        Assert.Contains("sweep", Run("--help").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultLinesAreValidJsonWithThePointAndResult()
    {
        Assert.Equal(ExitCodes.Success, Run("sweep", "fake", "--config", Config, "--out", Out, "--quiet", "--shard", "1/18").Code);
        var line = JsonLinesReader.Read(Path.Combine(Out, "fake.shard-1-of-18.jsonl")).Lines.Single().Value;
        Assert.Equal(0, line["index"]!.GetValue<int>());
        Assert.Equal(4, line["point"]!["m"]!.GetValue<long>());
        Assert.Equal("fixed/on", line["result"]!["label"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[4, 0.25, 0.30000000000000004]"), line["result"]!["series"]));

        // Read back as typed points (what the report uses).
        var point = ResultStore.Read(Path.Combine(Out, "fake.shard-1-of-18.jsonl")).Single().Point;
        Assert.Equal((4L, 3L, 0.5, "fixed", true), (point.Int("m"), point.Int("d"), point.Real("r"), point.Text("path"), point.Bool("flag")));
    }
}
