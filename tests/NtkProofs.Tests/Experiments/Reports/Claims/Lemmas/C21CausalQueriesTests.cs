using System.Text.Json.Nodes;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Lemmas;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Model;
using NtkProofs.Statistics;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Lemmas;

/// <summary>C21's rule on synthetic evidence (every verdict), its two-term fit, and the experiment's records through the claim.</summary>
public sealed class C21CausalQueriesTests
{
    private static readonly int[] Grid = [64, 128, 256, 512, 1024, 2048, 4096];

    private static ConfidenceInterval Ci(double estimate, double half = 0.05) => new(estimate, estimate - half, estimate + half, 0.95);

    private static C21Setting Setting(
        int l, QueryMask mask, double fluct = -0.5, double fluctHalf = 0.05, double drift = -1.0, double driftHalf = 0.1,
        int converged = 2, double envelope = 0.7, int replicates = 8, int[]? grid = null, ValuePath path = ValuePath.FixedValue) =>
        new(
            $"fixed L={l} {mask.ToString().ToLowerInvariant()}", mask, l, path != ValuePath.TiedValue,
            (grid ?? Grid).Select(m => new C21Point(m, 0.3 / Math.Sqrt(m) + (l * 1.5 / m), 0.1 / Math.Sqrt(m), 0.3 / Math.Sqrt(m), replicates, l * 2.7 / m)).ToList(),
            64, replicates, 2, Ci(fluct, fluctHalf), Ci(-0.6, 0.2), Ci(-0.7), new TwoTermFit(Ci(0.3), Ci(1.5 * l)), Ci(drift, driftHalf),
            400, 2, converged, 0.96, 0.9925, envelope);

    private static C21Setting[] All(Func<int, QueryMask, C21Setting>? make = null) =>
        [.. new[] { 1, 4, 16 }.SelectMany(l => new[] { QueryMask.Causal, QueryMask.Full }.Select(mask => (make ?? ((ll, mm) => Setting(ll, mm)))(l, mask)))];

    [Fact]
    public void SupportedWhenEveryLAndMaskHoldsL1L2AndL3()
    {
        var r = C21CausalQueries.Decide(new C21Evidence(All()));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains("fluctuation slopes -0.50..-0.50", r.Headline, StringComparison.Ordinal);
        Assert.Contains(r.Numbers, n => n.StartsWith("B against L", StringComparison.Ordinal) && n.Contains("L=16: 24", StringComparison.Ordinal));
        Assert.Contains(r.Numbers, n => n.Contains("not Part A's model", StringComparison.Ordinal));
        Assert.DoesNotContain(r.AgainstList, a => !a.Contains("replicate-spread", StringComparison.Ordinal));
    }

    [Fact]
    public void PartAReferenceSettingsAreShownButDoNotDecide()
    {
        var withPartA = All().Append(Setting(4, QueryMask.None, fluct: 0.2)).ToArray();
        var r = C21CausalQueries.Decide(new C21Evidence(withPartA));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("(Part A, shown only)", StringComparison.Ordinal));
        Assert.Equal(Verdict.Inconclusive, C21CausalQueries.Decide(new C21Evidence([Setting(4, QueryMask.None)])).Verdict);
    }

    [Fact]
    public void NotSupportedWhenOneSettingClearlyFails()
    {
        // Fluctuation rate: CI wholly above the band.
        var flat = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 16 && m == QueryMask.Causal ? Setting(l, m, fluct: -0.1) : Setting(l, m))));
        Assert.Equal(Verdict.NotSupported, flat.Verdict);
        Assert.Contains(flat.AgainstList, a => a.Contains("L=16 causal: fluctuation slope", StringComparison.Ordinal));

        // Drift: CI wholly above -0.3.
        var drift = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 4 ? Setting(l, m, drift: 0.0) : Setting(l, m))));
        Assert.Equal(Verdict.NotSupported, drift.Verdict);
        Assert.Contains(drift.AgainstList, a => a.Contains("drift slope", StringComparison.Ordinal));

        // L3: loss above the envelope.
        var envelope = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 1 ? Setting(l, m, envelope: 1.4) : Setting(l, m))));
        Assert.Equal(Verdict.NotSupported, envelope.Verdict);
        Assert.Contains(envelope.AgainstList, a => a.Contains("above the L3 envelope", StringComparison.Ordinal));
    }

    [Fact]
    public void InconclusiveWhenTheSweepCannotDecide()
    {
        // The fluctuation slope's point is outside the band but its CI reaches it.
        var straddle = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 16 ? Setting(l, m, fluct: -0.3, fluctHalf: 0.1) : Setting(l, m))));
        Assert.Equal(Verdict.Inconclusive, straddle.Verdict);
        Assert.Contains("more replicates", straddle.Decider, StringComparison.Ordinal);
        Assert.Contains(straddle.AgainstList, a => a.Contains("outside", StringComparison.Ordinal));

        // Runs not at 1e-6 within T: the T needed is stated.
        var slow = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 4 ? Setting(l, m, converged: 1) : Setting(l, m))));
        Assert.Equal(Verdict.Inconclusive, slow.Verdict);
        Assert.Contains("rerun with steps >=", slow.Decider, StringComparison.Ordinal);

        // A missing L or mask.
        var missing = C21CausalQueries.Decide(new C21Evidence(All().Where(s => s.QueryLength != 16).ToArray()));
        Assert.Equal(Verdict.Inconclusive, missing.Verdict);
        Assert.Contains("L = 16", missing.Decider, StringComparison.Ordinal);

        // Too small a sweep (smoke): two replicates over 4x.
        var small = C21CausalQueries.Decide(new C21Evidence(All((l, m) => Setting(l, m, fluct: -0.1, replicates: 2, grid: [64, 128, 256]))));
        Assert.Equal(Verdict.Inconclusive, small.Verdict);
        Assert.Contains("sweep too small", small.Decider, StringComparison.Ordinal);

        // A drift estimate above -0.3 whose CI reaches below it.
        var drift = C21CausalQueries.Decide(new C21Evidence(All((l, m) => l == 1 ? Setting(l, m, drift: -0.25, driftHalf: 0.2) : Setting(l, m))));
        Assert.Equal(Verdict.Inconclusive, drift.Verdict);
    }

    [Fact]
    public void TiedDriftIsShownNotApplied()
    {
        var r = C21CausalQueries.Decide(new C21Evidence(All((l, m) => Setting(l, m, drift: 0.0, path: ValuePath.TiedValue))));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.Contains("not expected to vanish", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoTermFitRecoversKnownCoefficients()
    {
        double[] ms = [64, 128, 256, 512, 1024, 2048, 4096];
        var (a, b) = TwoTermFit.Coefficients(ms, ms.Select(m => (0.3 / Math.Sqrt(m)) + (12.0 / m)).ToList());
        Assert.Equal(0.3, a, 12);
        Assert.Equal(12.0, b, 10);
        var fit = TwoTermFit.Of(ms, ms.Select(m => (IReadOnlyList<double>)[(0.29 / Math.Sqrt(m)) + (12.0 / m), (0.31 / Math.Sqrt(m)) + (12.0 / m)]).ToList());
        Assert.True(fit.A.Contains(0.3) && fit.B.Contains(12.0), $"A {fit.A}, B {fit.B}");
        Assert.True(double.IsNaN(TwoTermFit.Coefficients([64.0], [0.1]).A));
    }

    [Fact]
    public void TinySweepRoundTripsIntoTheClaim()
    {
        var exp = new CausalLemmasExperiment();
        SweepPoint Point(long l, long n, string mask, long m, long r, long steps)
        {
            var resolved = exp.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
            foreach (var (name, value) in new (string, JsonNode)[] { ("query_length", l), ("n", n), ("mask", mask), ("m", m), ("replicate", r), ("steps", steps), ("d", 8L), ("kernel_every", 5L) })
            {
                resolved[name] = exp.Parameters.Single(p => p.Name == name).Validate(value, name);
            }

            return new SweepPoint(exp.Name, resolved);
        }

        var points = new[] { (1L, 8L), (4L, 2L) }.SelectMany(q => new[] { "causal", "none" }.SelectMany(mask =>
            new long[] { 16, 64 }.SelectMany(m => new long[] { 0, 1 }.Select(r => Point(q.Item1, q.Item2, mask, m, r, r == 0 ? 10 : 0)))));
        var sweep = new SweepResults(C21CausalQueries.Config, "experiments/configs/test/causal.json", exp.Name,
            points.Select(p => new SweepRecord(p, exp.Run(p, new ExperimentContext(20240620)))).ToList());
        var inputs = new ClaimInputs(new ReportContext("test", Path.GetTempPath(), new Dictionary<string, SweepResults> { [sweep.ConfigName] = sweep }, "./ntkproofs report"));

        var records = inputs.Results<CausalLemmaRecord>(C21CausalQueries.Config)!;
        Assert.All(records.Where(r => r.Result.Mask == QueryMask.None), r => Assert.Equal(0.0, r.Result.InputShare, 12));
        Assert.All(records.Where(r => r.Result.Mask == QueryMask.Causal), r => Assert.InRange(r.Result.InputShare, 1e-4, 0.5));
        Assert.All(records, r => Assert.True(r.Result.FluctuationGap > 0 && r.Result.RelativeGap > 0));
        var evidence = C21CausalQueries.Gather(records);
        Assert.Equal(4, evidence.Settings.Count);
        var result = new C21CausalQueries().Evaluate(inputs);
        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.False(string.IsNullOrWhiteSpace(result.Decider));
        Assert.NotEmpty(result.FigureList);
        Assert.NotEmpty(result.CommandList);
    }
}
