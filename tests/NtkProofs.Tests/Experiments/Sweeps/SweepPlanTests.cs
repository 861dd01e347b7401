using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>Plan order (axes in file order, last fastest), stable keys, and shards that partition the plan.</summary>
public sealed class SweepPlanTests : SweepTestFolder
{
    [Fact]
    public void PointsAreTheCartesianProductWithTheLastAxisFastest()
    {
        var plan = StandardPlan(new FakeExperiment());
        Assert.Equal(18, plan.Points.Count);
        Assert.Equal(Enumerable.Range(0, 18), plan.Points.Select(p => p.Index));
        var expected =
            from m in new long[] { 4, 8, 16 }
            from path in new[] { "fixed", "tied" }
            from r in new[] { 0.5, 1.0, 1.5 }
            select (m, path, r);
        Assert.Equal(expected, plan.Points.Select(p => (p.Point.Int("m"), p.Point.Text("path"), p.Point.Real("r"))));
        Assert.All(plan.Points, p => Assert.Equal(3, p.Point.Int("d")));
        Assert.All(plan.Points, p => Assert.Equal(["d", "flag", "m", "path", "r", "replicate"], p.Point.Names));
        Assert.Equal(18, plan.Points.Select(p => p.Point.Key).Distinct().Count());
    }

    [Fact]
    public void KeysAreStableAcrossLoadsAndEquivalentSpellings()
    {
        var first = StandardPlan(new FakeExperiment());
        var again = StandardPlan(new FakeExperiment());
        Assert.Equal(first.Points.Select(p => p.Point.Key), again.Points.Select(p => p.Point.Key));

        // The same point written with explicit lists and reordered keys has the same key.
        var spelled = SweepConfig.Load(Write("spelled.json", """
            {"sweep": {"m": [4, 8, 16], "path": ["fixed", "tied"], "r": [0.5, 1, 1.5]},
             "defaults": {"flag": true, "d": 3}, "seed": 7, "experiment": "fake"}
            """), new FakeExperiment()).Plan();
        Assert.Equal(first.Points.Select(p => p.Point.Key), spelled.Points.Select(p => p.Point.Key));

        // Pinned: a change here silently orphans every stored result, so it must be deliberate.
        Assert.Equal("fake", first.Points[0].Point.Experiment);
        Assert.Equal("""{"d":3,"flag":true,"m":4,"path":"fixed","r":0.5,"replicate":0}""", first.Points[0].Point.ToJson().ToJsonString());
        Assert.Equal(PinnedKey, first.Points[0].Point.Key);
    }

    /// <summary>SHA-256("fake\n" + the canonical JSON above), first 16 hex digits (computed independently with Python's hashlib).</summary>
    private const string PinnedKey = "cbe2287cc39396b6";

    [Fact]
    public void ShardsPartitionThePlanByIndexModuloN()
    {
        var plan = StandardPlan(new FakeExperiment());
        var shards = Enumerable.Range(1, 4).Select(i => plan.Select(new ShardSpec(i, 4))).ToList();
        Assert.Equal(plan.Points.Select(p => p.Index), shards.SelectMany(s => s).Select(p => p.Index).Order());
        Assert.Equal([0, 4, 8, 12, 16], shards[0].Select(p => p.Index));
        Assert.Equal([3, 7, 11, 15], shards[3].Select(p => p.Index));
        Assert.Same(plan.Points, plan.Select(null));
        Assert.Equal(plan.Points, plan.Select(new ShardSpec(1, 1)));
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("x/3")]
    [InlineData("2")]
    [InlineData("-1/3")]
    [InlineData("1/3/4")]
    public void BadShardsAreRejected(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ShardSpec.Parse(text));
        Assert.Contains("--shard", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardParsesAndNamesItsFile()
    {
        var s = ShardSpec.Parse("2/8");
        Assert.Equal((2, 8), (s.Index, s.Count));
        Assert.Equal("shard-2-of-8", s.FileSuffix);
        Assert.Equal("2/8", s.ToString());
        Assert.True(s.Contains(9));
        Assert.False(s.Contains(8));
    }

    [Fact]
    public void VerifyRejectsResultsOfAnotherConfig()
    {
        var experiment = new FakeExperiment();
        var plan = StandardPlan(experiment);
        var p = plan.Points[5];
        var good = new SweepResult(p.Index, p.Point, [], 0.1, DateTime.UtcNow, 7, null);
        plan.Verify(good, "here");
        Assert.Contains("master seed 8", Assert.Throws<InvalidDataException>(() => plan.Verify(good with { Seed = 8 }, "here")).Message, StringComparison.Ordinal);
        Assert.Contains("index 6", Assert.Throws<InvalidDataException>(() => plan.Verify(good with { Index = 6 }, "here")).Message, StringComparison.Ordinal);
        Assert.Contains("not in shard 1/2", Assert.Throws<InvalidDataException>(() => plan.Verify(good, "here", new ShardSpec(1, 2))).Message, StringComparison.Ordinal);
        var values = p.Point.ToJson().ToDictionary(kv => kv.Key, kv => kv.Value!);
        values["d"] = JsonValue.Create(5L);
        var foreign = good with { Point = new SweepPoint("fake", values) };
        Assert.Contains("not a point of this config", Assert.Throws<InvalidDataException>(() => plan.Verify(foreign, "here")).Message, StringComparison.Ordinal);
        var otherExperiment = good with { Point = new SweepPoint("other", values) };
        Assert.Contains("experiment 'other'", Assert.Throws<InvalidDataException>(() => plan.Verify(otherExperiment, "here")).Message, StringComparison.Ordinal);
    }
}
