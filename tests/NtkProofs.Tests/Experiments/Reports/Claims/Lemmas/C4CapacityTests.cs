using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Model;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C4's rule on synthetic capacity evidence.</summary>
public sealed class C4CapacityTests
{
    private static readonly int[] Grid = [2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>A setting whose median ratio drops below 1e-3 at m = fitAt and then follows <paramref name="after"/>.</summary>
    private static CapacitySetting Setting(int n, int? fitAt, Func<int, double>? after = null) =>
        new(ValuePath.FixedValue, n, 2, 400, Grid.Select(m =>
        {
            double ratio = fitAt is int f && m >= f ? (after?.Invoke(m) ?? 1e-4) : 0.5;
            return new CapacityPoint(m, ratio, ratio * 0.9, ratio * 1.1, 3, m == 2 ? 1 : 0);
        }).ToList());

    private static CapacityEvidence Evidence(params CapacitySetting[] s) => new(s, 1e-3, 2);

    [Fact]
    public void SupportedWhenMFitGrowsWithNcAndTheResidualStaysDown()
    {
        var r = C4Capacity.Decide(Evidence(Setting(4, 8), Setting(8, 16), Setting(16, 64), Setting(32, 128)));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("m_fit 8/16/64/128", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.Numbers, x => x.Contains("m = 1 excluded", StringComparison.Ordinal));
        Assert.Contains(r.Numbers, x => x.Contains("4 fixed-value sign draw(s)", StringComparison.Ordinal));
        Assert.Equal(4, Evidence(Setting(4, 8), Setting(8, 16), Setting(16, 64), Setting(32, 128)).SignRedraws);
    }

    [Fact]
    public void NotSupportedWhenMFitDoesNotGrowOrTheResidualRisesBeyondIt()
    {
        Assert.Equal(Verdict.NotSupported, C4Capacity.Decide(Evidence(Setting(4, 16), Setting(8, 16), Setting(16, 16), Setting(32, 16))).Verdict);
        var rising = C4Capacity.Decide(Evidence(Setting(4, 8, m => m >= 64 ? 1e-2 : 1e-4), Setting(8, 16), Setting(16, 64), Setting(32, 128)));
        Assert.Equal(Verdict.NotSupported, rising.Verdict);
        Assert.Contains(rising.AgainstList, a => a.Contains("rises beyond m_fit", StringComparison.Ordinal));
    }

    [Fact]
    public void InconclusiveWhenEpsIsNotReachedTooFewNOrNonMonotone()
    {
        var unreached = C4Capacity.Decide(Evidence(Setting(4, 8), Setting(8, 16), Setting(16, 64), Setting(32, null)));
        Assert.Equal(Verdict.Inconclusive, unreached.Verdict);
        Assert.Contains("never reaches eps", unreached.Decider, StringComparison.Ordinal);
        Assert.Equal(Verdict.Inconclusive, C4Capacity.Decide(Evidence(Setting(4, 8), Setting(8, 16))).Verdict);
        Assert.Equal(Verdict.Inconclusive, C4Capacity.Decide(Evidence(Setting(4, 8), Setting(8, 32), Setting(16, 16), Setting(32, 128))).Verdict);
    }
}
