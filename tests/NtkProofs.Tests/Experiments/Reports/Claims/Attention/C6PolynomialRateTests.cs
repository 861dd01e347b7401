using NtkProofs.Experiments.Reports.Claims.Attention;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>C6's rule on synthetic typed evidence: every verdict it can return.</summary>
public sealed class C6PolynomialRateTests
{
    private static readonly long[] Ms = [16, 64, 256, 1024];

    /// <summary>A series with error c m^slope and multiplicative replicate noise +- noise.</summary>
    private static C6Series Series(long degree, double slope, double noise = 0.01, int replicates = 3, double exponent = 0, bool under = true) =>
        new("correlated", degree, exponent, Ms,
            Ms.Select(m => (IReadOnlyList<double>)Enumerable.Range(0, replicates).Select(i => 0.1 * Math.Pow(m, slope) * (1 + (noise * (i - ((replicates - 1) / 2.0))))).ToList()).ToList(),
            under, 1.0);

    [Fact]
    public void FixedGDecayIsSupported()
    {
        var r = C6PolynomialRate.Decide(new C6Evidence([Series(2, -1.0)]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("slope -1.00", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.Numbers, n => n.Contains('[', StringComparison.Ordinal));
    }

    [Fact]
    public void FlatFixedGWithAdaptiveDegreeMeetingItsTargetIsACaveat()
    {
        var r = C6PolynomialRate.Decide(new C6Evidence([Series(2, 0.0), Series(0, -0.6, exponent: 0.5)]));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("does not fall", StringComparison.Ordinal));
    }

    [Fact]
    public void WithFeatureCountsTheErrorAgainstRIsShownAndTheVerdictIsUnchanged()
    {
        var plain = C6PolynomialRate.Decide(new C6Evidence([Series(2, 0.0), Series(0, -0.6, exponent: 0.5)]));
        var withR = C6PolynomialRate.Decide(new C6Evidence([Series(2, 0.0) with { FeatureCounts = [15, 15, 15, 15] }, Series(0, -0.6, exponent: 0.5) with { FeatureCounts = [15, 70, 70, 210] }]));
        Assert.Equal(plain.Verdict, withR.Verdict);
        Assert.Equal(plain.Headline, withR.Headline);
        Assert.Single(plain.FigureList);
        Assert.Equal(["fig_c6_corollary", "fig_c6_error_vs_r"], withR.FigureList.Select(f => f.Spec.Name));
        Assert.Contains(withR.Numbers, n => n.Contains("grows from 15 at m = 16 to 210 at m = 1024", StringComparison.Ordinal));
    }

    [Fact]
    public void FlatFixedGWithAdaptiveDegreeMissingItsTargetIsNotSupported()
    {
        var r = C6PolynomialRate.Decide(new C6Evidence([Series(2, 0.0), Series(0, -0.1, exponent: 0.5, under: false)]));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("misses", StringComparison.Ordinal));
    }

    [Fact]
    public void ASlopeCiStraddlingTheThresholdsIsInconclusive()
    {
        // Slope -0.3 lies between the flat (-0.2) and decay (-0.4) thresholds.
        var r = C6PolynomialRate.Decide(new C6Evidence([Series(2, -0.3), Series(0, -0.6, exponent: 0.5)]));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("replicates", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSeriesAreInconclusive()
    {
        Assert.Equal(Verdict.Inconclusive, C6PolynomialRate.Decide(new C6Evidence([Series(0, -0.6, exponent: 0.5)])).Verdict);
        var noAdaptive = C6PolynomialRate.Decide(new C6Evidence([Series(2, 0.0)]));
        Assert.Equal(Verdict.Inconclusive, noAdaptive.Verdict);
        Assert.Contains("g(m)", noAdaptive.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void OneReplicateUsesThePointEstimateAndSaysSo()
    {
        var r = C6PolynomialRate.Decide(new C6Evidence([Series(2, -1.0, replicates: 1)]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("no CI", StringComparison.Ordinal));
    }
}
