using System.Text.Json.Nodes;
using NtkProofs.Experiments.Reports;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.Reports.Sections;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>The attention section's ledger rules (C5, C6, C8, C12) on synthetic sweep results.</summary>
public sealed class AttentionSectionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("att-section").FullName;

    public void Dispose() => Directory.Delete(root, true);

    private static SweepRecord Record(string experiment, JsonObject point, JsonObject result) =>
        new(new SweepPoint(experiment, point.ToDictionary(kv => kv.Key, kv => kv.Value!)), result);

    private static SweepResults Sweep(string name, string experiment, IEnumerable<SweepRecord> records) =>
        new(name, $"experiments/configs/quick/{name}.json", experiment, records.ToList());

    private static IEnumerable<SweepRecord> Identities(double i1) =>
        new long[] { 1, 256 }.Select(m => Record("ntk-identities", new JsonObject { ["m"] = m, ["degree"] = 2L }, new JsonObject { ["i1"] = i1, ["i2"] = 0.0, ["i3"] = 1e-16, ["i4"] = 1e-15, ["r"] = 15 }));

    private static SweepRecord Bound(string geometry, long m, double measured, double bound, bool claimed = true) =>
        Record("ntk-bound", new JsonObject { ["geometry"] = geometry, ["m"] = m, ["degree"] = 2L, ["exponent"] = 0.5, ["beta"] = 1.0 }, new JsonObject
        {
            ["measured"] = measured,
            ["bound"] = claimed ? bound : null,
            ["claimed"] = claimed,
            ["holds"] = !claimed || measured <= bound,
            ["tightness"] = claimed ? measured / bound : null,
            ["value_max"] = 1.0,
        });

    private Dictionary<string, LedgerRow> Build(params SweepResults[] sweeps)
    {
        var context = new ReportContext("quick", root, sweeps.ToDictionary(s => s.ConfigName), "./ntkproofs report");
        return new AttentionSection().Build(context).Ledger.ToDictionary(r => r.Id);
    }

    [Fact]
    public void MissingSweepsGiveInconclusiveRowsForEveryOwnedClaim()
    {
        var rows = Build();
        Assert.Equal(["C5", "C6", "C7", "C8", "C12"], rows.Keys.Order(StringComparer.Ordinal).ToArray().OrderBy(k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows.Values, r => Assert.Equal(Verdict.Inconclusive, r.Verdict));
    }

    [Fact]
    public void C5IsSupportedWhenIdentitiesAndTheBoundHold()
    {
        var rows = Build(
            Sweep("identities", "ntk-identities", Identities(1e-14)),
            Sweep("theoremb", "ntk-bound", [Bound("correlated", 16, 1e-4, 1e-2), Bound("adversarial", 16, 4e-3, 1e-2), Bound("correlated", 256, 5.0, 0, claimed: false)]));
        Assert.Equal(Verdict.Supported, rows["C5"].Verdict);
        Assert.Contains("0 violations in 2 claimed points", rows["C5"].KeyNumber, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "figures", "fig_c5_theoremb.png")));
    }

    [Fact]
    public void C5IsNotSupportedOnABoundViolationOrABrokenIdentity()
    {
        var violation = Build(Sweep("identities", "ntk-identities", Identities(1e-14)), Sweep("theoremb", "ntk-bound", [Bound("independent", 16, 2e-2, 1e-2)]));
        Assert.Equal(Verdict.NotSupported, violation["C5"].Verdict);
        var identity = Build(Sweep("identities", "ntk-identities", Identities(1e-6)), Sweep("theoremb", "ntk-bound", [Bound("independent", 16, 1e-4, 1e-2)]));
        Assert.Equal(Verdict.NotSupported, identity["C5"].Verdict);
    }

    [Fact]
    public void C6IsACaveatWhenFixedDegreeIsFlatAndGrowingDegreeMeetsTheTarget()
    {
        SweepRecord Point(long m, long degree, double exponent, double measured) =>
            Record("ntk-bound", new JsonObject { ["geometry"] = "correlated", ["m"] = m, ["degree"] = degree, ["exponent"] = exponent, ["beta"] = 1.0 }, new JsonObject { ["measured"] = measured, ["value_max"] = 1.0 });
        var ms = new long[] { 16, 64, 256, 1024 };
        var records = ms.Select(m => Point(m, 2, 0.5, 0.01)).Concat(ms.Select(m => Point(m, 0, 1.0, 0.5 / m)));
        var rows = Build(Sweep("corollary", "ntk-bound", records));
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C6"].Verdict);
    }

    [Fact]
    public void C8FollowsTheTrainedErrorAndIsInconclusiveForShortRuns()
    {
        SweepRecord Point(long m, long steps, double trained) =>
            Record("ntk-trained", new JsonObject { ["m"] = m, ["feature"] = "elu1", ["steps"] = steps }, new JsonObject { ["zero_state_error"] = 0.9, ["closed_form_error"] = 0.95, ["trained_error"] = trained });
        Assert.Equal(Verdict.Supported, Build(Sweep("trained", "ntk-trained", [Point(4, 600, 0.01), Point(1024, 600, 0.04)]))["C8"].Verdict);
        Assert.Equal(Verdict.SupportedWithCaveat, Build(Sweep("trained", "ntk-trained", [Point(4, 600, 0.07), Point(1024, 600, 0.2)]))["C8"].Verdict);
        Assert.Equal(Verdict.NotSupported, Build(Sweep("trained", "ntk-trained", [Point(4, 600, 0.07), Point(1024, 600, 0.6)]))["C8"].Verdict);
        Assert.Equal(Verdict.Inconclusive, Build(Sweep("trained", "ntk-trained", [Point(4, 40, 0.01), Point(1024, 40, 0.04)]))["C8"].Verdict);
    }

    [Fact]
    public void C12CountsReproducedDefects()
    {
        JsonObject Result(bool all) => new()
        {
            ["double_counting_released_error"] = 0.0, ["double_counting_intended_error"] = 0.5, ["double_counting_reproduced"] = true,
            ["frozen_k_gradient_at_zero"] = 0.0, ["frozen_k_moved_from_zero"] = 0.0, ["frozen_k_moved_from_small"] = 0.2, ["frozen_k_reproduced"] = true,
            ["overflow_row_max"] = 88.74, ["overflow_exact_output"] = 0.1, ["overflow_stable_error"] = 1e-6, ["overflow_reproduced"] = all,
            ["eval_dropout_difference"] = 0.3, ["our_eval_difference"] = 0.0, ["eval_dropout_reproduced"] = true,
        };
        var rows = Build(Sweep("defects", "released-defects", [Record("released-defects", new JsonObject { ["replicate"] = 0L }, Result(true))]));
        Assert.Equal(Verdict.Supported, rows["C12"].Verdict);
        rows = Build(Sweep("defects", "released-defects", [Record("released-defects", new JsonObject { ["replicate"] = 0L }, Result(false))]));
        Assert.Equal(Verdict.SupportedWithCaveat, rows["C12"].Verdict);
    }
}
