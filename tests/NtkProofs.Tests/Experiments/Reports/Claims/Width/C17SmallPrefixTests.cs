using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Width;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Width;

/// <summary>C17's rule on synthetic errors: every verdict, missing L, and the zero-state comparison said against.</summary>
public sealed class C17SmallPrefixTests
{
    private static SmallPrefixResult P(int m, int l, double trained, double zero = 0.5, string feature = "elu1") =>
        new(m, l, 16, feature, 16, zero, 0.3, trained, trained * 3, 1000, 1.0);

    private static ClaimResult Decide(params SmallPrefixResult[] points) => C17SmallPrefix.Decide(new C17Evidence(points, [10, 100], [128, 1024]));

    private static SmallPrefixResult[] Grid(double trained) => [P(10, 128, trained), P(100, 128, trained), P(10, 1024, trained), P(100, 1024, trained)];

    [Fact]
    public void Every_cell_at_most_005_is_supported() => Assert.Equal(Verdict.Supported, Decide(Grid(0.04)).Verdict);

    [Fact]
    public void A_cell_between_thresholds_is_a_caveat() => Assert.Equal(Verdict.SupportedWithCaveat, Decide(Grid(0.1)).Verdict);

    [Fact]
    public void A_cell_above_02_is_not_supported() =>
        Assert.Equal(Verdict.NotSupported, Decide([.. Grid(0.01).Take(3), P(100, 1024, 0.25)]).Verdict);

    [Fact]
    public void A_missing_L_is_inconclusive_even_when_the_measured_cells_pass()
    {
        var r = Decide(P(10, 128, 0.01), P(100, 128, 0.01));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("L = 1024", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_maps_do_not_decide_and_no_better_than_zero_state_is_said_against()
    {
        var r = Decide([.. Grid(0.04).Take(3), P(100, 1024, 0.04, zero: 0.03), P(10, 128, 0.9, feature: "prf:64")]);
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.AgainstList, a => a.Contains("ignoring the prefix", StringComparison.Ordinal));
    }
}
