using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>Shards merged are exactly the unsharded sweep; missing points and disagreeing duplicates are errors.</summary>
public sealed class ResultMergerTests : SweepTestFolder
{
    private string Unsharded => Path.Combine(Root, "all", "fake.jsonl");

    private string ShardFile(int i) => Path.Combine(Root, $"host{i}", $"fake.shard-{i}-of-3.jsonl");

    private static void RunInto(SweepPlan plan, string path, ShardSpec? shard)
    {
        using var store = ResultStore.Open(path, plan, shard, resume: false);
        SweepRunner.Run(plan, new SweepRunOptions { Shard = shard, ManifestId = shard?.FileSuffix ?? "all" }, store);
    }

    private SweepPlan RunAllAndShards()
    {
        var plan = StandardPlan(new FakeExperiment());
        RunInto(plan, Unsharded, null);
        for (int i = 1; i <= 3; i++)
        {
            RunInto(StandardPlan(new FakeExperiment()), ShardFile(i), new ShardSpec(i, 3));
        }

        return plan;
    }

    [Fact]
    public void MergedShardsEqualTheUnshardedRun()
    {
        var plan = RunAllAndShards();
        Assert.Equal([6, 6, 6], Enumerable.Range(1, 3).Select(i => JsonLinesReader.Read(ShardFile(i)).Lines.Count));
        var outcome = ResultMerger.Merge(plan, [ShardFile(3), ShardFile(1), ShardFile(2)]);
        Assert.True(outcome.Complete);
        Assert.Equal(0, outcome.DuplicateLines);
        SweepAssert.SameResults(ResultStore.Read(Unsharded, plan), outcome.Results);

        string merged = Path.Combine(Root, "merged", "fake.jsonl");
        ResultMerger.Write(outcome, merged);
        Assert.Equal(SweepAssert.FileOutcomes(Unsharded), SweepAssert.FileOutcomes(merged));
        Assert.Equal(Enumerable.Range(0, 18), JsonLinesReader.Read(merged).Lines.Select(l => l.Value["index"]!.GetValue<int>()));
        Assert.Equal(["shard-1-of-3", "shard-2-of-3", "shard-3-of-3"], ResultStore.Read(merged).Select(r => r.Manifest).Distinct().Order());
    }

    [Fact]
    public void IdenticalDuplicatesAreKeptOnce()
    {
        var plan = RunAllAndShards();
        var outcome = ResultMerger.Merge(plan, [Unsharded, ShardFile(1), ShardFile(2), ShardFile(3), ShardFile(2)]);
        Assert.Equal(18, outcome.Results.Count);
        Assert.Equal(18 + 6, outcome.DuplicateLines); // every shard line repeats the unsharded file; shard 2 is given twice
    }

    [Fact]
    public void MissingPointsAreCountedAndListed()
    {
        var plan = RunAllAndShards();
        var e = Assert.Throws<InvalidDataException>(() => ResultMerger.Merge(plan, [ShardFile(1), ShardFile(3)]));
        Assert.Contains("6 of 18 points", e.Message, StringComparison.Ordinal);
        foreach (var p in plan.Select(new ShardSpec(2, 3)))
        {
            Assert.Contains(FormattableString.Invariant($"#{p.Index} {p.Point.Key}"), e.Message, StringComparison.Ordinal);
        }

        var partial = ResultMerger.Collect(plan, [ShardFile(1), ShardFile(3)]);
        Assert.Equal([1, 4, 7, 10, 13, 16], partial.Missing.Select(p => p.Index));
    }

    [Fact]
    public void ConflictingDuplicatesAreAnErrorNamingBothFiles()
    {
        var plan = RunAllAndShards();
        string other = Path.Combine(Root, "other", "fake.shard-1-of-3.jsonl");
        RunInto(StandardPlan(new FakeExperiment { Offset = 1e-12 }), other, new ShardSpec(1, 3));
        var e = Assert.Throws<InvalidDataException>(() => ResultMerger.Merge(plan, [ShardFile(1), ShardFile(2), ShardFile(3), other]));
        Assert.Contains("conflicting results for point #0", e.Message, StringComparison.Ordinal);
        Assert.Contains(ShardFile(1) + ":1", e.Message, StringComparison.Ordinal);
        Assert.Contains(other + ":1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e-14, "only in the last bits")]
    [InlineData(1e-3, "beyond the float64 tolerance")]
    public void AConflictSaysWhetherItIsBeyondTheToleranceOrOnlyInTheLastBits(double offset, string expected)
    {
        var plan = RunAllAndShards();
        string other = Path.Combine(Root, "other", "fake.shard-1-of-3.jsonl");
        RunInto(StandardPlan(new FakeExperiment { Offset = offset }), other, new ShardSpec(1, 3));
        var e = Assert.Throws<InvalidDataException>(() => ResultMerger.Merge(plan, [ShardFile(1), ShardFile(2), ShardFile(3), other]));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShardReRunElsewhereMergesWithTheOriginals()
    {
        var plan = RunAllAndShards();
        string rerun = Path.Combine(Root, "rerun", "fake.shard-2-of-3.jsonl");
        RunInto(StandardPlan(new FakeExperiment()), rerun, new ShardSpec(2, 3));
        var outcome = ResultMerger.Merge(plan, [ShardFile(1), ShardFile(2), ShardFile(3), rerun]);
        Assert.True(outcome.Complete);
        Assert.Equal(6, outcome.DuplicateLines);
        SweepAssert.SameResults(ResultStore.Read(Unsharded, plan), outcome.Results);
    }

    [Fact]
    public void ATruncatedShardTailIsIgnoredAndTheShardIsNotModified()
    {
        var plan = RunAllAndShards();
        File.AppendAllText(ShardFile(2), "{\"key\":\"0123");
        byte[] before = File.ReadAllBytes(ShardFile(2));
        var outcome = ResultMerger.Merge(plan, [ShardFile(1), ShardFile(2), ShardFile(3)]);
        Assert.True(outcome.Complete);
        Assert.True(outcome.Files[1].TruncatedTail);
        Assert.Equal(before, File.ReadAllBytes(ShardFile(2)));
    }
}
