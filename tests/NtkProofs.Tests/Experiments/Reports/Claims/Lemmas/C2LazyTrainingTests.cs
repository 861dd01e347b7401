using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Model;
using NtkProofs.Statistics;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C2's rule on synthetic evidence: tied un-centred and centred decide side by side.</summary>
public sealed class C2LazyTrainingTests
{
    private static readonly int[] Grid = [64, 128, 256, 512, 1024, 2048, 4096];

    private static ConfidenceInterval Ci(double v, double half = 0.05) => new(v, v - half, v + half, 0.95);

    private static C2Variant Variant(ValuePath path, bool centred, double drift, double lambdaRatio = 0.9, bool deciding = true, int replicates = 3, double half = 0.05) =>
        new(path + (centred ? " centred" : string.Empty), path, centred, deciding, Ci(drift, half), Ci(drift), Ci(Math.Min(drift, -0.2)), 0.01, lambdaRatio, Grid, replicates);

    private static C2Evidence Evidence(double tiedPlain, double? tiedCentred, double fixedDrift = -0.5, double tiedPlainLambda = 0.9)
    {
        var list = new List<C2Variant> { Variant(ValuePath.FixedValue, false, fixedDrift), Variant(ValuePath.SeparateValue, false, -0.5), Variant(ValuePath.TiedValue, false, tiedPlain, tiedPlainLambda) };
        if (tiedCentred is double c)
        {
            list.Add(Variant(ValuePath.TiedValue, true, c));
        }

        list.Add(Variant(ValuePath.FixedValue, false, 0.1, deciding: false)); // alpha = m: shown only, never decides
        return new C2Evidence(list);
    }

    [Fact]
    public void SupportedWhenEveryPathIncludingTiedHolds() =>
        Assert.Equal(Verdict.Supported, C2LazyTraining.Decide(Evidence(-0.5, -0.5)).Verdict);

    [Fact]
    public void CaveatWhenOnlyTiedUncentredFailsAndCentringFixesIt()
    {
        var r = C2LazyTraining.Decide(Evidence(0.01, -0.48, tiedPlainLambda: 0.002));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains("tied un-centred", r.Headline, StringComparison.Ordinal);
        Assert.Contains("tied centred", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.AgainstList, a => a.Contains("un-centred formalization", StringComparison.Ordinal));
    }

    [Fact]
    public void NotSupportedWhenTiedFailsCentredTooOrAnUntiedPathFails()
    {
        var structural = C2LazyTraining.Decide(Evidence(0.01, 0.0));
        Assert.Equal(Verdict.NotSupported, structural.Verdict);
        Assert.Contains(structural.AgainstList, a => a.Contains("structural", StringComparison.Ordinal));
        Assert.Equal(Verdict.NotSupported, C2LazyTraining.Decide(Evidence(-0.5, -0.5, fixedDrift: 0.0)).Verdict);
    }

    [Fact]
    public void InconclusiveWithoutTiedCentredForAnUnclearSlopeOrASmallSweep()
    {
        var missing = C2LazyTraining.Decide(Evidence(0.01, null));
        Assert.Equal(Verdict.Inconclusive, missing.Verdict);
        Assert.Contains("centred = true", missing.Decider, StringComparison.Ordinal);
        var unclear = new C2Evidence([Variant(ValuePath.FixedValue, false, -0.25, half: 0.2), Variant(ValuePath.TiedValue, false, -0.5)]);
        Assert.Equal(Verdict.Inconclusive, C2LazyTraining.Decide(unclear).Verdict);
        var small = new C2Evidence([Variant(ValuePath.FixedValue, false, -0.5, replicates: 1)]);
        Assert.Equal(Verdict.Inconclusive, C2LazyTraining.Decide(small).Verdict);
    }
}
