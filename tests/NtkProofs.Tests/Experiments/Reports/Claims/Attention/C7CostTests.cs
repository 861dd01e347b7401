using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Attention;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>C7's rule on synthetic typed evidence: every verdict it can return, and the gathering from benchmark rows.</summary>
public sealed class C7CostTests
{
    private static readonly double[] Grid = [16, 128, 1024, 8192, 65536];

    private static CostSeries Series(string impl, double slope, double[]? grid = null, string feature = "elu1", double scale = 1e-3)
    {
        var m = grid ?? Grid;
        return new CostSeries(impl, impl == "ntk" ? feature : string.Empty, 128, m, m.Select(x => scale * Math.Pow(x, slope)).ToList());
    }

    private static C7Evidence Evidence(double ntkSlope = 0.0, double memorySlope = 0.0, double?[]? mStars = null, double[]? grid = null, bool memory = true, double memoryScale = 0.01)
    {
        var m = grid ?? Grid;
        var upper = m.Where(x => x >= m[m.Length / 2]).ToArray();
        var crossovers = (mStars ?? [100.0]).Select((s, i) => new CostCrossover("map" + i, 128, s)).ToList();
        return new C7Evidence(
            [Series("ntk", ntkSlope, m), Series("prefix_streamed", 1.0, m)],
            memory ? [Series("ntk", memorySlope, upper, scale: memoryScale)] : [],
            crossovers,
            m[^1]);
    }

    [Fact]
    public void FlatTimeAndMemoryWithAPracticalCrossoverIsSupported()
    {
        var r = C7Cost.Decide(Evidence(ntkSlope: 0.02, memorySlope: 0.0, mStars: [60, 150]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("m* 60, 150", r.Headline, StringComparison.Ordinal);
        Assert.Single(r.FigureList);
        Assert.Contains(r.Numbers, n => n.Contains("prefix_streamed, L = 128 forward time slope in m 1.00", StringComparison.Ordinal));
    }

    [Fact]
    public void ACrossoverAbovePracticalLengthsIsACaveatAndSaidInTheRow()
    {
        var r = C7Cost.Decide(Evidence(mStars: [150, 600]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("map1", StringComparison.Ordinal) && a.Contains("600", StringComparison.Ordinal));
    }

    [Fact]
    public void NtkTimeGrowingInMIsNotSupported()
    {
        var r = C7Cost.Decide(Evidence(ntkSlope: 0.5));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("0.50", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.AgainstList, a => a.Contains("forward time grows", StringComparison.Ordinal));
    }

    [Fact]
    public void NtkMemoryGrowingInMIsNotSupported()
    {
        var r = C7Cost.Decide(Evidence(memorySlope: 0.9));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("memory", r.Headline, StringComparison.Ordinal);
    }

    /// <summary>A slope above 0.1 from a rise smaller than the RSS probe's noise (32 MiB) is flat: the measured 8 -> 18 MiB step.</summary>
    [Fact]
    public void AMemoryRiseWithinTheProbesNoiseIsFlat()
    {
        var r = C7Cost.Decide(Evidence(memorySlope: 0.2, memoryScale: 1.0, mStars: [60]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("peak-memory slope in m 0.20", StringComparison.Ordinal) && n.Contains("MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void ACrossoverAboveAThousandForEveryMapIsNotSupported()
    {
        var r = C7Cost.Decide(Evidence(mStars: [5000, null]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("every map", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void TooFewMPointsIsInconclusiveAndSaysWhatWouldDecide()
    {
        var r = C7Cost.Decide(Evidence(grid: [16, 1024]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("2 m points", r.Headline, StringComparison.Ordinal);
        Assert.Contains("prefix lengths", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void NoMemoryDataIsInconclusive()
    {
        var r = C7Cost.Decide(Evidence(memory: false));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("memory", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCrossoverOnAShortGridIsInconclusiveNotACaveat()
    {
        var r = C7Cost.Decide(Evidence(mStars: [null], grid: [16, 64, 256, 512]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("raise 'to'", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void GatherReadsForwardUncausalCSharpRowsAndTheUpperHalfForMemory()
    {
        var rows = new List<AttentionBenchmarkRow>();
        foreach (long m in new long[] { 16, 128, 1024, 8192 })
        {
            rows.Add(new AttentionBenchmarkRow("ntk", "forward", 128, m, "elu1", false, 1e-3, 1e-3, 2, 1.0, "csharp"));
            rows.Add(new AttentionBenchmarkRow("prefix_streamed", "forward", 128, m, "elu1", false, 1e-6 * m, 1e-6 * m, 2, 1.0, "csharp"));
            rows.Add(new AttentionBenchmarkRow("ntk", "forward", 128, m, "elu1", true, 1.0, 1.0, 2, 1.0, "csharp"));
            rows.Add(new AttentionBenchmarkRow("ntk", "backward", 128, m, "elu1", false, 1.0, 1.0, 2, 1.0, "csharp"));
        }

        var summary = new AttentionBenchmarkSummary([], [new Crossover(128, "forward", "elu1", 1024, 1000), new Crossover(128, "backward", "elu1", 0, double.NaN)], new Dictionary<string, double>(), new Dictionary<string, double[]>());
        var e = C7Cost.Gather(rows, summary);
        Assert.Equal(2, e.Time.Count);
        Assert.All(e.Time, s => Assert.Equal(4, s.M.Count));
        Assert.Single(e.NtkMemory);
        Assert.True(e.NtkMemory[0].M.All(m => m >= 128));
        Assert.Single(e.Crossovers);
        Assert.Equal(1000, e.Crossovers[0].MStar);
        Assert.Equal(8192, e.GridMax);
        Assert.Equal(Verdict.SupportedWithCaveat, C7Cost.Decide(e).Verdict);
    }

    [Fact]
    public void TheResultRecordKeepsTheStoredFieldNames()
    {
        var result = new AttentionBenchResult([], new AttentionBenchmarkSummary([], [], new Dictionary<string, double>(), new Dictionary<string, double[]>()), "no python", null, "0.5", "0.6", 1.5, 2);
        var json = ResultJson.Write(result);
        foreach (var key in new[] { "rows", "summary", "python_error", "python_info", "load_before", "load_after", "seconds", "torch_threads" })
        {
            Assert.True(json.ContainsKey(key), key);
        }

        Assert.Equal(2, ResultJson.Read<AttentionBenchResult>(json).TorchThreads);
    }
}
