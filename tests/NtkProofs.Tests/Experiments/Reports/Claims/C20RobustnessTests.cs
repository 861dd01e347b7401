using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

/// <summary>C20's rule reaches every verdict; its families are runs equal in everything but the axis.</summary>
public class C20RobustnessTests
{
    private const int N = 1000;

    private static PairedComparison Pair(int seeds, double pa, double pb)
    {
        var a = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pa * N).ToArray()).ToArray();
        var b = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pb * N).ToArray()).ToArray();
        return PairedComparison.Compare(a, b);
    }

    /// <summary>One family per axis; the learning-rate axis's other value is at <paramref name="lrAccuracy"/> against a best of 0.80.</summary>
    private static C20Evidence Evidence(double structuralAccuracy, double lrAccuracy, int seeds = 3) =>
        new([.. C20Robustness.Axes.Select(axis => new C20Family(axis, "polarity, elu1", "best", [("other", Pair(seeds, axis == C20Robustness.AxisLearningRate ? lrAccuracy : structuralAccuracy, 0.80))]))]);

    [Fact]
    public void Every_axis_within_the_margin_is_supported()
    {
        var r = C20Robustness.Decide(Evidence(0.795, 0.79));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Equal(4, r.Numbers.Count);
    }

    [Fact]
    public void Only_the_learning_rate_harmful_is_supported_with_caveat()
    {
        var r = C20Robustness.Decide(Evidence(0.80, 0.60));
        Assert.Equal(Verdict.SupportedWithCaveat, r.Verdict);
        Assert.Contains("learning rate: sensitive", r.Headline, StringComparison.Ordinal);
        Assert.Single(r.AgainstList);
    }

    [Fact]
    public void A_harmful_r_s_or_k_init_value_is_not_supported()
    {
        var r = C20Robustness.Decide(Evidence(0.70, 0.80));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Equal(3, r.AgainstList.Count);
    }

    [Fact]
    public void One_seed_or_an_unmeasured_axis_is_inconclusive_naming_what_decides()
    {
        var oneSeed = C20Robustness.Decide(Evidence(0.80, 0.80, seeds: 1));
        Assert.Equal(Verdict.Inconclusive, oneSeed.Verdict);
        Assert.Contains("needs >= 5 seeds", oneSeed.Decider, StringComparison.Ordinal);

        var empty = C20Robustness.Decide(new C20Evidence([]));
        Assert.Equal(Verdict.Inconclusive, empty.Verdict);
        Assert.Contains("prf r: no family with two values", empty.Decider, StringComparison.Ordinal);
        Assert.Contains("finetune-ablations-lr.json", empty.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Gather_groups_runs_equal_but_for_the_axis_and_compares_with_the_best_value()
    {
        static FinetuneRun Run(string feature, long seed, string correct) =>
            new("polarity", "ntk", feature + ", full Z", $"{{\"method\":\"ntk\",\"feature\":\"{feature}\",\"ntk_rank\":0}}", seed, 0, feature,
                correct.Count(c => c == '1') / (double)correct.Length, 0.8, 100, 1000, 100, 0.1, 500, 400, 10, 0.4, 10, "10 steps", 1e-3, correct.Length)
            { TestCorrect = correct };

        string good = new string('1', 80) + new string('0', 20), bad = new string('1', 60) + new string('0', 40);
        var e = C20Robustness.Gather([Run("prf:16", 1, bad), Run("prf:16", 2, bad), Run("prf:64", 1, good), Run("prf:64", 2, good), Run("elu1", 1, good)]);
        var f = Assert.Single(e.Families);
        Assert.Equal(C20Robustness.AxisR, f.Axis);
        Assert.Equal("prf:64", f.Best);
        var (value, comparison) = Assert.Single(f.Others);
        Assert.Equal("prf:16", value);
        Assert.Equal(-20, comparison!.Difference.Estimate, 6);
        Assert.Equal(Verdict.NotSupported, C20Robustness.Decide(e).Verdict);
    }

    [Fact]
    public void An_adapter_initialized_from_a_prefix_is_the_k_P_value_of_the_k_init_axis_next_to_fresh_runs_of_the_same_schedule()
    {
        static FinetuneRun Run(string init, long seed, string correct) =>
            new("polarity", "ntk", "elu1, full Z", init.Length > 0 ? "{\"prefix_length\":10}" : "{\"lr\":0.001}", seed, 0, "elu1",
                correct.Count(c => c == '1') / (double)correct.Length, 0.8, 100, 1000, 100, 0.1, 500, 400, 10, 0.4, 10, "10 steps", 1e-3, correct.Length)
            { TestCorrect = correct, Init = init };

        string a = new string('1', 80) + new string('0', 20), b = new string('1', 79) + new string('0', 21);
        var e = C20Robustness.Gather([Run("from P-Tuning v2 m = 10", 1, a), Run("from P-Tuning v2 m = 10", 2, a), Run(string.Empty, 1, b), Run(string.Empty, 2, b)]);
        var f = Assert.Single(e.Families);
        Assert.Equal(C20Robustness.AxisKInit, f.Axis);
        Assert.Equal("k(P), Z(P) from P-Tuning v2 m = 10", f.Best);
        var (value, comparison) = Assert.Single(f.Others);
        Assert.Equal("0.001", value);
        Assert.Equal(2, comparison!.Seeds);
        Assert.Equal(-1, comparison.Difference.Estimate, 6);
    }
}
