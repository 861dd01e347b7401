using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Reports.Claims.Width;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Width;

/// <summary>C15's crossover interpolation and its rule on synthetic timings (every verdict).</summary>
public sealed class C15WidthCostTests
{
    /// <summary>Prefix time = m / 1000 s on m = 16 .. 4096; NTK times given per map.</summary>
    private static WidthBenchResult Point(int dModel, params (string Feature, double Seconds)[] ntk) =>
        new(dModel / 128, 128, dModel, 512, true, 3, "0.5 0.4 0.3", "1.0 0.5 0.3",
            [.. new long[] { 16, 64, 256, 1024, 4096 }.Select(m => new WidthBenchPrefix(m, m / 1000.0, 10))],
            [.. ntk.Select(n => new WidthBenchNtk(n.Feature, 8, n.Seconds, 20))],
            2);

    private static ClaimResult Decide(params WidthBenchResult[] points) => C15WidthCost.Decide(new C15Evidence(points, [2048, 4096]));

    [Fact]
    public void Crossover_interpolates_log_log_and_censors_at_both_ends()
    {
        var c = C15WidthCost.Crossovers(Point(2048, ("elu1", 0.1), ("prf:256", 0.001), ("taylor:2", 100)));
        Assert.Equal(100, c[0].Low, 6);
        Assert.Equal(100, c[0].High, 6);
        Assert.Equal((0.0, 16.0), (c[1].Low, c[1].High));
        Assert.Equal(4096, c[2].Low);
        Assert.True(double.IsPositiveInfinity(c[2].High));
    }

    [Fact]
    public void Small_crossovers_at_both_widths_are_supported() =>
        Assert.Equal(Verdict.Supported, Decide(Point(2048, ("elu1", 0.05), ("prf:256", 0.1), ("taylor:2", 10)), Point(4096, ("elu1", 0.05), ("prf:256", 0.15))).Verdict);

    [Fact]
    public void A_prf_crossover_between_thresholds_is_a_caveat() =>
        Assert.Equal(Verdict.SupportedWithCaveat, Decide(Point(2048, ("elu1", 0.05), ("prf:256", 0.5)), Point(4096, ("elu1", 0.05), ("prf:256", 0.1))).Verdict);

    [Fact]
    public void Every_map_above_1000_at_a_width_is_not_supported() =>
        Assert.Equal(Verdict.NotSupported, Decide(Point(2048, ("elu1", 2), ("prf:256", 3)), Point(4096, ("elu1", 0.05), ("prf:256", 0.1))).Verdict);

    [Fact]
    public void A_missing_width_is_inconclusive()
    {
        var r = Decide(Point(2048, ("elu1", 0.05), ("prf:256", 0.1)));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("4096", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crossover_censored_across_200_is_inconclusive()
    {
        var coarse = Point(2048, ("elu1", 0.5)) with { Prefix = [new WidthBenchPrefix(16, 0.016, 1), new WidthBenchPrefix(64, 0.064, 1)] };
        var r = Decide(coarse, Point(4096, ("elu1", 0.05)));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("cannot be placed", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Timings_on_an_oversubscribed_machine_are_inconclusive()
    {
        var loaded = Point(2048, ("elu1", 2), ("prf:256", 3)) with { LoadAverageAfter = "9.5 3 1" };
        var r = Decide(loaded, Point(4096, ("elu1", 0.05), ("prf:256", 0.1)));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("quiet machine", r.Decider, StringComparison.Ordinal);
    }
}
