using NtkProofs.Experiments.Reports.Claims.Width;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Width;

/// <summary>C16's rule on synthetic timings: every verdict, and the straddling case.</summary>
public sealed class C16InferenceOverheadTests
{
    /// <summary>A batch whose NTK variant takes <paramref name="ratio"/> times the base, with relative jitter <paramref name="jitter"/> varying by round.</summary>
    private static InferenceResult Point(int batch, double ratio, double jitter, int rounds = 20)
    {
        var baseline = Enumerable.Range(0, rounds).Select(i => 0.01 * (1 + (0.01 * (i % 3)))).ToList();
        var ntk = baseline.Select((b, i) => b * ratio * (1 + (jitter * Math.Sin(1.7 * i)))).ToList();
        return new InferenceResult(batch, 64, 2, 2, "0 0 0", "0 0 0",
        [
            new InferenceVariant("base", "head", 770, baseline),
            new InferenceVariant("ntk-elu1-full", "ntk", 76802, ntk),
            new InferenceVariant("prefix-m10", "prefix", 46850, [.. baseline.Select(b => b * 3)]),
        ]);
    }

    private static Verdict Decide(params InferenceResult[] points) => C16InferenceOverhead.Decide(new C16Evidence(points, [1, 32])).Verdict;

    [Fact]
    public void Small_overhead_with_tight_CI_is_supported() =>
        Assert.Equal(Verdict.Supported, Decide(Point(1, 1.03, 0.001), Point(32, 1.05, 0.001)));

    [Fact]
    public void Overhead_between_thresholds_is_a_caveat_and_said_against()
    {
        var r = C16InferenceOverhead.Decide(new C16Evidence([Point(1, 1.03, 0.001), Point(32, 1.3, 0.001)], [1, 32]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("batch 32", StringComparison.Ordinal));
    }

    [Fact]
    public void Overhead_clearly_above_50_percent_is_not_supported() =>
        Assert.Equal(Verdict.NotSupported, Decide(Point(1, 2.0, 0.001), Point(32, 1.05, 0.001)));

    [Fact]
    public void A_CI_straddling_10_percent_is_inconclusive()
    {
        var r = C16InferenceOverhead.Decide(new C16Evidence([Point(1, 1.09, 0.05), Point(32, 1.05, 0.001)], [1, 32]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("straddles", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_batch_size_is_inconclusive()
    {
        var r = C16InferenceOverhead.Decide(new C16Evidence([Point(1, 1.03, 0.001)], [1, 32]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("32", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Ratios_are_paired_by_round()
    {
        var ratios = C16InferenceOverhead.Ratios(Point(1, 1.25, 0.0));
        var ntk = ratios.Single(r => r.Variant == "ntk-elu1-full");
        Assert.Equal(1.25, ntk.Ratio.Estimate, 9);
        Assert.Equal(1.25, ntk.Ratio.Low, 9);
        Assert.Equal(1.25, ntk.Ratio.High, 9);
    }
}
