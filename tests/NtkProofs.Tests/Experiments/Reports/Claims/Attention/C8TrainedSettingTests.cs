using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Claims.Attention;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>C8's rule on synthetic typed evidence: every verdict it can return, and which budget shortfall is said.</summary>
public sealed class C8TrainedSettingTests
{
    private static readonly long[] Ms = [4, 1024, 1L << 18];

    private static C8Evidence Evidence(long steps, Func<long, double> error, long[]? ms = null, int replicates = 1) =>
        new((ms ?? Ms).SelectMany(m => Enumerable.Range(0, replicates).Select(i =>
            new C8Point("elu1", m, steps, new TrainedResult(16, "elu1", 0.5, 0.3, error(m) * (1 + (0.01 * i)), 0.1, 1e-3, 1.0)))).ToList());

    [Fact]
    public void ErrorAtMost005AtEveryMIsSupportedEvenOnASmallBudget()
    {
        var r = C8TrainedSetting.Decide(Evidence(1000, _ => 0.02, [4, 64]));
        Assert.Equal(Verdict.Supported, r.Verdict);
    }

    [Fact]
    public void ABudgetBelowThePapersIsInconclusiveAndSaysWhich()
    {
        var steps = C8TrainedSetting.Decide(Evidence(1000, m => 0.2));
        Assert.Equal(Verdict.Inconclusive, steps.Verdict);
        Assert.Contains("1000 Adam steps < the paper's 40000", steps.Decider, StringComparison.Ordinal);
        Assert.DoesNotContain("largest m", steps.Decider, StringComparison.Ordinal);
        Assert.Contains(steps.AgainstList, a => a.Contains("> 0.05", StringComparison.Ordinal));

        var range = C8TrainedSetting.Decide(Evidence(40_000, m => 0.2, [4, 1024]));
        Assert.Equal(Verdict.Inconclusive, range.Verdict);
        Assert.Contains("largest m 1024 < the paper's 2^18", range.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void AtThePapersBudgetAHighErrorAtTheLargestMIsNotSupported()
    {
        var r = C8TrainedSetting.Decide(Evidence(40_000, _ => 0.2));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
    }

    [Fact]
    public void AtThePapersBudgetAnErrorRisingInMIsNotSupported()
    {
        // Error 0.03 (m / 4)^0.1 with replicates: at most 0.1 at 2^18, but the slope CI lies above 0.
        var r = C8TrainedSetting.Decide(Evidence(40_000, m => 0.03 * Math.Pow(m, 0.1) / Math.Pow(4, 0.1), replicates: 3));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("rising in m", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.AgainstList, a => a.Contains("rises with m", StringComparison.Ordinal));
    }

    [Fact]
    public void AtThePapersBudgetAFlatErrorBetweenTheThresholdsIsInconclusive()
    {
        var r = C8TrainedSetting.Decide(Evidence(40_000, _ => 0.07, replicates: 3));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("between 0.05 and 0.1", r.Decider, StringComparison.Ordinal);
    }
}
