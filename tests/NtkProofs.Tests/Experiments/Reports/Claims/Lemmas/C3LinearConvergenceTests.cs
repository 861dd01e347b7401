using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C3's rule on synthetic evidence.</summary>
public sealed class C3LinearConvergenceTests
{
    private static C3Variant Variant(double envelope, int reached, double contraction = 0.97, bool deciding = true) =>
        new("fixed", deciding, 256, 6, envelope, reached, 200, contraction, 0.999, reached == 6 ? 1e-7 : 1e-2);

    [Fact]
    public void SupportedWhenTheEnvelopeHoldsAndEveryRunReachesTheTarget() =>
        Assert.Equal(Verdict.Supported, C3LinearConvergence.Decide(new C3Evidence([Variant(0.8, 6), Variant(5, 0, deciding: false)])).Verdict);

    [Fact]
    public void NotSupportedWhenTheEnvelopeIsViolated()
    {
        var r = C3LinearConvergence.Decide(new C3Evidence([Variant(1.3, 6)]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("envelope", StringComparison.Ordinal));
    }

    [Fact]
    public void InconclusiveWhenTheTargetIsNotReachedWithinTAndSaysWhichTWouldDo()
    {
        var r = C3LinearConvergence.Decide(new C3Evidence([Variant(0.8, 2, contraction: 0.98)]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("T ~ 684", r.Decider, StringComparison.Ordinal); // ln(1e-6) / ln(0.98) = 683.8
        Assert.Equal(Verdict.Inconclusive, C3LinearConvergence.Decide(new C3Evidence([Variant(0.8, 6, deciding: false)])).Verdict);
    }
}
