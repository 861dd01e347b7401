using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C1's rule on synthetic evidence: every verdict is reachable.</summary>
public sealed class C1KernelConcentrationTests
{
    private static readonly int[] Grid = [64, 128, 256, 512, 1024, 2048, 4096];

    private static C1Setting Setting(double slope, double low, double high, bool psd = true, bool pd = true, double fraction = 1.0, int replicates = 4, int[]? grid = null) =>
        new("fixed sigma=0.5", psd, pd, new ConfidenceInterval(slope, low, high, 0.95), 64, fraction, 256, 1e6, 0.05, grid ?? Grid, replicates);

    private static C1Evidence Evidence(params C1Setting[] settings) => new(settings, [new M0Row("fixed", 4, 4, 256, 1e6, 4096), new M0Row("fixed", 8, 4, null, 1e7, 4096)]);

    [Fact]
    public void SupportedWhenEverySlopeIsInTheBandAndL1dHolds()
    {
        var r = C1KernelConcentration.Decide(Evidence(Setting(-0.5, -0.55, -0.45), Setting(-0.48, -0.52, -0.44)));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("| fixed | 8 | 4 | > 4096 |", r.Details, StringComparison.Ordinal);
        Assert.Empty(r.AgainstList);
    }

    [Fact]
    public void NotSupportedWhenPsdOrPdFailsOrTheGapDoesNotFall()
    {
        Assert.Equal(Verdict.NotSupported, C1KernelConcentration.Decide(Evidence(Setting(-0.5, -0.55, -0.45, psd: false))).Verdict);
        Assert.Equal(Verdict.NotSupported, C1KernelConcentration.Decide(Evidence(Setting(-0.5, -0.55, -0.45, pd: false))).Verdict);
        var flat = C1KernelConcentration.Decide(Evidence(Setting(0.02, -0.05, 0.08)));
        Assert.Equal(Verdict.NotSupported, flat.Verdict);
        Assert.Contains(flat.AgainstList, a => a.Contains("does not fall", StringComparison.Ordinal));
    }

    [Fact]
    public void CaveatWhenTheSlopeIsClearlyOutsideTheBandOrL1dFails()
    {
        var slow = C1KernelConcentration.Decide(Evidence(Setting(-0.2, -0.25, -0.15)));
        Assert.Equal(Verdict.SupportedWithCaveat, slow.Verdict);
        Assert.NotEmpty(slow.AgainstList);
        Assert.Equal(Verdict.SupportedWithCaveat, C1KernelConcentration.Decide(Evidence(Setting(-0.5, -0.55, -0.45, fraction: 0.5))).Verdict);
    }

    [Fact]
    public void InconclusiveForSmallSweepsStraddlingCisAndNoData()
    {
        var small = C1KernelConcentration.Decide(Evidence(Setting(-0.5, -0.55, -0.45, replicates: 1)));
        Assert.Equal(Verdict.Inconclusive, small.Verdict);
        Assert.Contains("replicates", small.Decider, StringComparison.Ordinal);
        var straddle = C1KernelConcentration.Decide(Evidence(Setting(-0.3, -0.4, -0.2)));
        Assert.Equal(Verdict.Inconclusive, straddle.Verdict);
        Assert.Contains("straddles", straddle.Decider, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, C1KernelConcentration.Decide(new C1Evidence([], [])).Verdict);
    }
}
