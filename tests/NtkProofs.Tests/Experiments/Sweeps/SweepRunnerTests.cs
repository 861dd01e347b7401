using NtkProofs.Experiments.Sweeps;
using Spectre.Console;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>
/// The runner and its store: an interrupted sweep (cancellation after k points, or a line cut off mid-write) resumes to
/// exactly the results of an uninterrupted run without recomputing any finished point; nothing is overwritten by accident.
/// </summary>
public sealed class SweepRunnerTests : SweepTestFolder
{
    private string Store => Path.Combine(Root, "out", "fake.jsonl");

    private static SweepRunSummary RunAll(SweepPlan plan, string path, bool resume = false, SweepRunOptions? options = null)
    {
        using var store = ResultStore.Open(path, plan, options?.Shard, resume);
        return SweepRunner.Run(plan, options ?? new SweepRunOptions { ManifestId = "test-run" }, store);
    }

    private static IReadOnlyList<SweepResult> Reference(SweepPlan plan) => SweepRunner.Run(plan, new SweepRunOptions()).Results;

    [Fact]
    public void AnUninterruptedRunStoresEveryPointInPlanOrder()
    {
        var experiment = new FakeExperiment();
        var plan = StandardPlan(experiment);
        var summary = RunAll(plan, Store);
        Assert.Equal((18, 0, 18, false, 0), (summary.Planned, summary.AlreadyDone, summary.Computed, summary.Interrupted, summary.Remaining));
        Assert.Equal(Enumerable.Range(0, 18), summary.Results.Select(r => r.Index));
        var lines = JsonLinesReader.Read(Store).Lines;
        Assert.Equal(Enumerable.Range(0, 18), lines.Select(l => l.Value["index"]!.GetValue<int>()));
        Assert.All(lines, l => Assert.Equal("test-run", l.Value["manifest"]!.GetValue<string>()));
        Assert.All(lines, l => Assert.Equal(["key", "experiment", "index", "point", "result", "seconds", "finished_utc", "seed", "manifest"], l.Value.Select(kv => kv.Key)));
        SweepAssert.SameResults(summary.Results, ResultStore.Read(Store, plan));
        SweepAssert.SameResults(Reference(plan), summary.Results);
        Assert.False(File.Exists(Store + ".lock"));
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(1, true)]
    [InlineData(17, false)]
    public void AnInterruptedSweepResumesToTheSameResultsWithoutRecomputingFinishedPoints(int k, bool abandonCurrentPoint)
    {
        var experiment = new FakeExperiment();
        var plan = StandardPlan(experiment);
        var reference = Reference(StandardPlan(new FakeExperiment()));

        using var cancel = new CancellationTokenSource();
        experiment.CancelSource = cancel;
        experiment.CancelAfter = k;
        experiment.HonourCancellation = abandonCurrentPoint;
        var first = RunAll(plan, Store, options: new SweepRunOptions { Cancellation = cancel.Token, ManifestId = "first" });
        int finished = abandonCurrentPoint ? k - 1 : k;
        Assert.True(first.Interrupted);
        Assert.Equal(finished, first.Computed);
        Assert.Equal(finished, JsonLinesReader.Read(Store).Lines.Count);
        var finishedKeys = first.Results.Select(r => r.Key).ToHashSet();

        experiment.CancelSource = null;
        var second = RunAll(plan, Store, resume: true, options: new SweepRunOptions { ManifestId = "second" });
        Assert.False(second.Interrupted);
        Assert.Equal((finished, 18 - finished), (second.AlreadyDone, second.Computed));
        SweepAssert.SameResults(reference, second.Results);
        SweepAssert.SameResults(reference, ResultStore.Read(Store, plan).OrderBy(r => r.Index).ToList());
        Assert.Equal(reference.Select(r => SweepAssert.Outcome(r.ToJson())), SweepAssert.FileOutcomes(Store));
        Assert.All(finishedKeys, key => Assert.Equal(1, experiment.Calls[key]));
        Assert.Equal(abandonCurrentPoint ? 19 : 18, experiment.TotalCalls);
    }

    [Fact]
    public void APointRunIntoAStoreKeepsItsPartsUntilItsLineIsWrittenAndAnAbandonedPointFindsThemOnResume()
    {
        string partsRoot = Path.Combine(Root, "out", PointParts.FolderName);
        var memory = new FakeExperiment();
        SweepRunner.Run(StandardPlan(memory), new SweepRunOptions());
        Assert.Empty(memory.PartsGiven); // in memory: no parts, the point runs whole

        var experiment = new FakeExperiment();
        var plan = StandardPlan(experiment);
        using var cancel = new CancellationTokenSource();
        experiment.CancelSource = cancel;
        experiment.CancelAfter = 5;
        experiment.HonourCancellation = true; // point #4 writes its part, then is abandoned
        var first = RunAll(plan, Store, options: new SweepRunOptions { Cancellation = cancel.Token });
        Assert.Equal(4, first.Computed);
        string abandoned = plan.Points[4].Point.Key;
        Assert.Equal([abandoned], Directory.GetDirectories(partsRoot).Select(Path.GetFileName));
        Assert.Equal(Path.Combine(partsRoot, abandoned), experiment.PartsGiven[abandoned]);
        Assert.True(File.Exists(Path.Combine(partsRoot, abandoned, "visit.json")));

        // A finished point's leftover parts (a kill between its line and the deletion) are removed on resume.
        string finished = plan.Points[0].Point.Key;
        new PointParts(Path.Combine(Root, "out"), finished, plan.Config.Seed).Write("visit", new System.Text.Json.Nodes.JsonObject { ["calls"] = 9 });

        experiment.CancelSource = null;
        var second = RunAll(plan, Store, resume: true);
        Assert.Equal(14, second.Computed);
        Assert.Equal(1, experiment.PartsFound[abandoned]); // it saw the part of its first, abandoned call
        Assert.Single(experiment.PartsFound);
        Assert.Empty(Directory.GetFileSystemEntries(partsRoot)); // every point's line is written: no parts left (the shared folder stays)
    }

    [Fact]
    public void PartsAreWrittenWholeAndReusedOnlyForTheSamePointAndMasterSeed()
    {
        var parts = new PointParts(Root, "0123456789abcdef", 7, "abc1234-20261202T170000Z");
        Assert.Null(parts.Read("run-1"));
        parts.Write("run-1", new System.Text.Json.Nodes.JsonObject { ["x"] = 1.5, ["nan"] = double.NaN });
        parts.Write("run-2", new System.Text.Json.Nodes.JsonObject { ["x"] = 2 });
        parts.Write("run-2", new System.Text.Json.Nodes.JsonObject { ["x"] = 3 }); // overwritten whole
        Assert.Equal(["run-1", "run-2"], parts.Names);
        var one = parts.Read("run-1")!;
        Assert.Equal(1.5, one.Content["x"]!.GetValue<double>());
        Assert.True(double.IsNaN(System.Text.Json.JsonSerializer.Deserialize<double>(one.Content["nan"], NtkProofs.Experiments.Reports.Claims.ResultJson.Options)));
        Assert.Equal("abc1234-20261202T170000Z", one.Manifest); // who computed it
        Assert.Equal(3, parts.Read("run-2")!.Content["x"]!.GetValue<int>());
        Assert.Equal(3, new PointParts(Root, "0123456789abcdef", 7).Read("run-2")!.Content["x"]!.GetValue<int>()); // a later session reads it
        Assert.Empty(Directory.GetFiles(parts.Folder, "*.tmp"));
        Assert.Null(new PointParts(Root, "0123456789abcdef", 8).Read("run-1")); // another master seed
        Directory.CreateDirectory(Path.Combine(Root, "parts", "fedcba9876543210"));
        File.Copy(Path.Combine(parts.Folder, "run-1.json"), Path.Combine(Root, "parts", "fedcba9876543210", "run-1.json"));
        Assert.Null(new PointParts(Root, "fedcba9876543210", 7).Read("run-1")); // a part copied from another point
        File.WriteAllText(Path.Combine(parts.Folder, "run-2.json"), "{\"point_key\": \"0123");
        Assert.Null(parts.Read("run-2")); // cut off: trained again
        File.WriteAllText(Path.Combine(parts.Folder, "run-2.json"), "{\"point_key\": 5, \"master_seed\": 7, \"part\": {}}");
        Assert.Null(parts.Read("run-2")); // a field of the wrong kind
        Assert.Throws<ArgumentException>(() => parts.Write("../x", []));
        Assert.Throws<ArgumentException>(() => new PointParts(Root, "../key", 7));
        parts.Delete();
        Assert.False(Directory.Exists(parts.Folder));
        Assert.True(Directory.Exists(Path.Combine(Root, "parts"))); // the other point's parts stay
    }

    [Fact]
    public void ATruncatedLastLineIsDroppedAndOnlyItsPointIsComputedAgain()
    {
        var plan = StandardPlan(new FakeExperiment());
        RunAll(plan, Store);
        byte[] complete = File.ReadAllBytes(Store);
        var reference = ResultStore.Read(Store, plan);

        // A kill after 7 lines, in the middle of writing the 8th.
        int seventhEnd = IndexOfNth(complete, (byte)'\n', 7) + 1;
        int eighthEnd = IndexOfNth(complete, (byte)'\n', 8);
        byte[] killed = complete[..(seventhEnd + ((eighthEnd - seventhEnd) / 2))];
        File.WriteAllBytes(Store, killed);

        var experiment = new FakeExperiment();
        var plan2 = StandardPlan(experiment);
        using (var store = ResultStore.Open(Store, plan2, null, resume: true))
        {
            Assert.NotNull(store.DroppedTruncatedLine);
            Assert.Equal(complete[..seventhEnd], File.ReadAllBytes(Store)); // the seven complete lines, byte for byte
            var summary = SweepRunner.Run(plan2, new SweepRunOptions(), store);
            Assert.True(summary.DroppedTruncatedLine);
            Assert.Equal((7, 11), (summary.AlreadyDone, summary.Computed));
            SweepAssert.SameResults(reference, summary.Results);
        }

        Assert.Equal(11, experiment.TotalCalls);
        Assert.All(reference.Take(7), r => Assert.False(experiment.Calls.ContainsKey(r.Key)));
        Assert.Equal(reference.Select(r => SweepAssert.Outcome(r.ToJson())), SweepAssert.FileOutcomes(Store));
    }

    [Fact]
    public void AnExistingStoreIsNeverOverwrittenWithoutResume()
    {
        var plan = StandardPlan(new FakeExperiment());
        using (var cancel = new CancellationTokenSource())
        {
            var experiment = (FakeExperiment)plan.Config.Experiment;
            experiment.CancelSource = cancel;
            experiment.CancelAfter = 3;
            RunAll(plan, Store, options: new SweepRunOptions { Cancellation = cancel.Token });
        }

        byte[] before = File.ReadAllBytes(Store);
        var e = Assert.Throws<ArgumentException>(() => ResultStore.Open(Store, plan, null, resume: false));
        Assert.Contains("already holds 3 result(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("--resume", e.Message, StringComparison.Ordinal);
        Assert.Contains("--out", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Store));

        // Even a file holding only a cut-off line is left alone without --resume.
        File.WriteAllText(Store, "{\"key\":\"abc");
        Assert.Throws<ArgumentException>(() => ResultStore.Open(Store, plan, null, resume: false));
        Assert.Equal("{\"key\":\"abc", File.ReadAllText(Store));

        // An empty file is not a sweep yet.
        File.WriteAllText(Store, "");
        using var store = ResultStore.Open(Store, plan, null, resume: false);
        Assert.Empty(store.Completed);
    }

    [Fact]
    public void AStoreOfAnotherConfigOrShardIsRejectedAndLeftUnchanged()
    {
        var plan = StandardPlan(new FakeExperiment());
        RunAll(plan, Store, options: new SweepRunOptions { Shard = new ShardSpec(1, 3) });
        byte[] before = File.ReadAllBytes(Store);

        var otherSeed = SweepConfig.Load(Write("seed8.json", StandardConfig.Replace("\"seed\": 7", "\"seed\": 8", StringComparison.Ordinal)), new FakeExperiment()).Plan();
        var e = Assert.Throws<InvalidDataException>(() => ResultStore.Open(Store, otherSeed, new ShardSpec(1, 3), resume: true));
        Assert.Contains(Store + ":1", e.Message, StringComparison.Ordinal);
        Assert.Contains("master seed 7", e.Message, StringComparison.Ordinal);

        var otherAxis = SweepConfig.Load(Write("d4.json", StandardConfig.Replace("\"d\": 3", "\"d\": 4", StringComparison.Ordinal)), new FakeExperiment()).Plan();
        Assert.Contains("not a point of this config", Assert.Throws<InvalidDataException>(() => ResultStore.Open(Store, otherAxis, new ShardSpec(1, 3), resume: true)).Message, StringComparison.Ordinal);

        Assert.Contains("another shard", Assert.Throws<InvalidDataException>(() => ResultStore.Open(Store, plan, new ShardSpec(2, 3), resume: true)).Message, StringComparison.Ordinal);

        // A hand-edited line whose key no longer matches its point.
        string edited = File.ReadAllText(Store).Replace("\"d\":3", "\"d\":2", StringComparison.Ordinal);
        string copy = Path.Combine(Root, "edited.jsonl");
        File.WriteAllText(copy, edited);
        Assert.Contains("does not match its point", Assert.Throws<InvalidDataException>(() => ResultStore.Open(copy, plan, new ShardSpec(1, 3), resume: true)).Message, StringComparison.Ordinal);

        Assert.Equal(before, File.ReadAllBytes(Store));
    }

    [Fact]
    public void ASecondWriterIsLockedOut()
    {
        var plan = StandardPlan(new FakeExperiment());
        using var first = ResultStore.Open(Store, plan, null, resume: false);
        var e = Assert.Throws<ArgumentException>(() => ResultStore.Open(Store, plan, null, resume: true));
        Assert.Contains("in use by another sweep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExperimentErrorNamesThePointAndKeepsEverythingFinishedBefore()
    {
        var experiment = new FakeExperiment { RejectWhen = p => p.Int("m") == 16 };
        var plan = StandardPlan(experiment);
        var e = Assert.Throws<ArgumentException>(() => RunAll(plan, Store));
        Assert.Contains("point #12", e.Message, StringComparison.Ordinal);
        Assert.Contains(plan.Points[12].Point.Key, e.Message, StringComparison.Ordinal);
        Assert.Contains("m=16, path=\"fixed\", r=0.5", e.Message, StringComparison.Ordinal);
        Assert.Contains("m = 16 is not allowed", e.Message, StringComparison.Ordinal);
        Assert.Equal(12, JsonLinesReader.Read(Store).Lines.Count);
    }

    [Fact]
    public void InMemoryShardRunsAndTheProgressConsoleWork()
    {
        var experiment = new FakeExperiment();
        var plan = StandardPlan(experiment);
        var shard = SweepRunner.Run(plan, new SweepRunOptions { Shard = new ShardSpec(2, 3) });
        Assert.Equal([1, 4, 7, 10, 13, 16], shard.Results.Select(r => r.Index));
        Assert.Equal(0, experiment.StatusListened); // no console, nobody listens

        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var seen = new List<int>();
        var summary = SweepRunner.Run(plan, new SweepRunOptions { Console = console, PointFinished = r => seen.Add(r.Index) });
        Assert.Equal(Enumerable.Range(0, 18), seen);
        Assert.Equal(18, summary.Computed);
        Assert.Contains("fake", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("18 to run", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(18, experiment.StatusListened); // with a console, every point may say how far it is (markup escaped)
    }

    private static int IndexOfNth(byte[] bytes, byte value, int n)
    {
        for (int i = 0, seen = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == value && ++seen == n)
            {
                return i;
            }
        }

        throw new InvalidOperationException("not found");
    }
}
