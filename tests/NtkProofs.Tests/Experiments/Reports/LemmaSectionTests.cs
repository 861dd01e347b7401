using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Reports.Sections;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>The lemma section's ledger rules (C1, C4) on synthetic sweep results.</summary>
public sealed class LemmaSectionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("lemma-section").FullName;

    public void Dispose() => Directory.Delete(root, true);

    private static SweepPoint Point(string experiment, long m, long replicate, params (string Key, JsonNode Value)[] extra)
    {
        var values = new Dictionary<string, JsonNode>
        {
            ["path"] = "fixed", ["scale"] = "sqrt", ["n"] = 6L, ["d"] = 4L, ["c"] = 2L, ["sigma"] = 0.5, ["max_cos"] = 0.9, ["m"] = m, ["replicate"] = replicate,
        };
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return new SweepPoint(experiment, values);
    }

    private static SweepResults Concentration(long[] ms, int replicates, Func<long, double> gap, double lambdaRatio = 0.95) =>
        new("concentration", "experiments/configs/quick/concentration.json", "kernel-concentration",
            ms.SelectMany(m => Enumerable.Range(0, replicates).Select(r => new SweepRecord(Point("kernel-concentration", m, r), new JsonObject
            {
                ["relative_gap"] = gap(m) * (1 + (0.01 * r)),
                ["lambda_min"] = lambdaRatio * 0.05,
                ["lambda_star"] = 0.05,
                ["lambda_max_star"] = 4.0,
                ["asymmetry"] = 1e-16,
            }))).ToList());

    private static SweepResults Capacity(long[] ms, Func<long, double> ratio) =>
        new("capacity", "experiments/configs/quick/capacity.json", "lazy-training",
            ms.SelectMany(m => Enumerable.Range(0, 2).Select(r => new SweepRecord(
                Point("lazy-training", m, r, ("init", "random"), ("steps", 400L), ("eta0", 0.5), ("kernel_every", 400L)),
                new JsonObject
                {
                    ["lambda_star"] = 0.05, ["effective_eta"] = 0.1, ["steps"] = 400, ["max_kernel_drift"] = 0.01, ["max_prefix_movement"] = 0.1,
                    ["max_rms_prefix_movement"] = 0.01, ["min_lambda_min"] = 0.05, ["measured_contraction"] = 0.95, ["worst_envelope_ratio"] = 0.5,
                    ["initial_residual"] = 1.0, ["final_residual"] = ratio(m), ["steps_to_1e-3"] = null, ["curve"] = new JsonArray(new JsonArray(0, 1.0), new JsonArray(400, ratio(m))),
                }))).ToList());

    private Dictionary<string, LedgerRow> Build(params SweepResults[] sweeps) =>
        new LemmaSection().Build(new ReportContext("quick", root, sweeps.ToDictionary(s => s.ConfigName), "./ntkproofs report")).Ledger.ToDictionary(r => r.Id);

    private static readonly long[] Grid = [64, 128, 256, 512, 1024, 2048, 4096];

    [Fact]
    public void C1IsSupportedForAnMToTheMinusOneHalfGap()
    {
        var rows = Build(Concentration(Grid, 3, m => 2.0 / Math.Sqrt(m)));
        Assert.Equal(Verdict.Supported, rows["C1"].Verdict);
        Assert.Contains("slope -0.50", rows["C1"].KeyNumber, StringComparison.Ordinal);
    }

    [Fact]
    public void C1IsACaveatWhenTheGapDoesNotConcentrateAndInconclusiveForATinySweep()
    {
        Assert.Equal(Verdict.SupportedWithCaveat, Build(Concentration(Grid, 3, m => 2.0 / Math.Pow(m, 0.1)))["C1"].Verdict);
        Assert.Equal(Verdict.Inconclusive, Build(Concentration([64, 128, 256], 1, m => 2.0 / Math.Sqrt(m)))["C1"].Verdict);
    }

    [Fact]
    public void C1IsNotSupportedWhenTheKernelIsNotPositiveSemidefinite()
    {
        Assert.Equal(Verdict.NotSupported, Build(Concentration(Grid, 3, m => 2.0 / Math.Sqrt(m), lambdaRatio: -1))["C1"].Verdict);
    }

    [Fact]
    public void C4SeparatesSaturationFromSteadyGainAndNoGain()
    {
        long[] ms = [1, 2, 4, 8, 16, 32, 64, 128, 256];
        Assert.Equal(Verdict.Supported, Build(Capacity(ms, m => 1.0 / (m * m)))["C4"].Verdict);
        Assert.Equal(Verdict.SupportedWithCaveat, Build(Capacity(ms, m => Math.Max(1.0 / (m * m), 1e-3 * (1 + (0.1 * (m % 3))))))["C4"].Verdict);
        Assert.Equal(Verdict.NotSupported, Build(Capacity(ms, m => 0.5 + (0.01 / m)))["C4"].Verdict);
    }

    [Fact]
    public void MissingSweepsGiveInconclusiveRows()
    {
        var rows = Build();
        Assert.All(new[] { "C1", "C2", "C3", "C4" }, id => Assert.Equal(Verdict.Inconclusive, rows[id].Verdict));
    }
}
