using System.Text.Json.Nodes;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Attention;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>C5's rule on synthetic typed evidence: every verdict it can return, and the typed round trip through a sweep.</summary>
public sealed class C5TheoremBTests
{
    private static BoundResult Point(double measured, double bound, bool claimed = true) =>
        new(measured, claimed ? bound : null, claimed, !claimed || measured <= bound, claimed ? measured / bound : null, 1.0, claimed ? 0.1 : null, 2, 1.0, null);

    private static C5Evidence Evidence(double identityWorst, params TheoremBPoint[] points) =>
        new([1e-16, 0, 1e-16, identityWorst], 6, (1, 65536), points);

    [Fact]
    public void IdentitiesAndBoundHoldingIsSupported()
    {
        var r = C5TheoremB.Decide(Evidence(1e-15, new("correlated", Point(1e-4, 1e-2)), new("adversarial", Point(4e-3, 1e-2)), new("correlated", Point(5, 0, claimed: false))));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("0/2 violations", r.Headline, StringComparison.Ordinal);
        Assert.Contains("our formalization", r.Rule, StringComparison.Ordinal);
        Assert.Empty(r.AgainstList);
        Assert.Single(r.FigureList);
        Assert.Contains(r.Numbers, n => n.Contains("1 points outside the hypothesis", StringComparison.Ordinal));
    }

    [Fact]
    public void AViolatedClaimedPointIsNotSupportedAndSaidInTheRow()
    {
        var r = C5TheoremB.Decide(Evidence(1e-15, new("independent", Point(2e-2, 1e-2)), new("correlated", Point(1e-4, 1e-2))));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("1/2", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.AgainstList, a => a.Contains("independent", StringComparison.Ordinal));
    }

    [Fact]
    public void AFailedIdentityIsNotSupportedEvenWithoutClaimedPoints()
    {
        var r = C5TheoremB.Decide(Evidence(1e-6, new TheoremBPoint("correlated", Point(5, 0, claimed: false))));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Contains("I4", r.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void NoClaimedPointIsInconclusiveWithWhatWouldDecide()
    {
        var r = C5TheoremB.Decide(Evidence(1e-15, new TheoremBPoint("correlated", Point(5, 0, claimed: false))));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("eps_g < 1", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateReadsTypedSweepsAndSaysWhenTheyDidNotRun()
    {
        static SweepRecord Record(string experiment, JsonObject point, object result) =>
            new(new SweepPoint(experiment, point.ToDictionary(kv => kv.Key, kv => kv.Value!)), result is BoundResult b ? ResultJson.Write(b) : ResultJson.Write((IdentitiesResult)result));
        var identities = new SweepResults("identities", "experiments/configs/quick/identities.json", "ntk-identities",
            [Record("ntk-identities", new JsonObject { ["m"] = 1L }, new IdentitiesResult(1e-16, 0, 1e-16, 1e-15, 15)), Record("ntk-identities", new JsonObject { ["m"] = 256L }, new IdentitiesResult(1e-16, 0, 1e-16, 1e-15, 15))]);
        var theorem = new SweepResults("theoremb", "experiments/configs/quick/theoremb.json", "ntk-bound",
            [Record("ntk-bound", new JsonObject { ["geometry"] = "correlated", ["m"] = 16L }, Point(1e-4, 1e-2)), Record("ntk-bound", new JsonObject { ["geometry"] = "independent", ["m"] = 16L }, Point(2e-2, 1e-2))]);
        var both = new ClaimInputs(new ReportContext("quick", "/tmp", new Dictionary<string, SweepResults> { ["identities"] = identities, ["theoremb"] = theorem }, "./ntkproofs report"));
        var r = new C5TheoremB().Evaluate(both);
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Equal(2, r.CommandList.Count);
        Assert.Contains(r.Numbers, n => n.Contains("m = 1..256", StringComparison.Ordinal));

        var one = new ClaimInputs(new ReportContext("quick", "/tmp", new Dictionary<string, SweepResults> { ["identities"] = identities }, "./ntkproofs report"));
        var missing = new C5TheoremB().Evaluate(one);
        Assert.Equal(Verdict.Inconclusive, missing.Verdict);
        Assert.Equal("experiment not run", missing.Headline);
    }
}
