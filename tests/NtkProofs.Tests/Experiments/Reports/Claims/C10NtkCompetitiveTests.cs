using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class C10NtkCompetitiveTests
{
    private const int N = 1000;

    private static PairedComparison Pair(int seeds, double ntk, double baseline)
    {
        IReadOnlyList<bool>[] Make(double p) => [.. Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < p * N).ToArray())];
        return PairedComparison.Compare(Make(ntk), Make(baseline));
    }

    private static C10Comparison C(string task, string baseline, PairedComparison? p) => new(task, "NTK-Attention elu1, full Z", baseline, p);

    [Fact]
    public void Competitive_against_every_baseline_on_every_task_is_supported_and_lists_uncompared_tasks()
    {
        var r = C10NtkCompetitive.Decide(new C10Evidence(
            [C("polarity", "LoRA", Pair(3, 0.80, 0.80)), C("polarity", "P-Tuning v2", Pair(3, 0.82, 0.80)), C("spam", "LoRA", Pair(3, 0.90, 0.905))],
            ["uncertainty"]));
        Assert.Equal(Verdict.Supported, r.Verdict);
        Assert.Contains(r.Numbers, n => n.StartsWith("uncertainty: not compared", StringComparison.Ordinal));
        Assert.Contains(r.Numbers, n => n.Contains("superior", StringComparison.Ordinal));
        Assert.Contains(r.AgainstList, a => a.Contains("spam", StringComparison.Ordinal)); // -0.5 stated although competitive
    }

    [Fact]
    public void Inferior_to_some_baseline_on_every_task_is_not_supported()
    {
        var r = C10NtkCompetitive.Decide(new C10Evidence(
            [C("polarity", "LoRA", Pair(3, 0.80, 0.80)), C("polarity", "full FT", Pair(3, 0.72, 0.78)), C("spam", "LoRA", Pair(3, 0.85, 0.90))], []));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
    }

    [Fact]
    public void Mixed_or_one_seed_is_inconclusive_with_what_would_decide()
    {
        var mixed = C10NtkCompetitive.Decide(new C10Evidence([C("polarity", "LoRA", Pair(3, 0.80, 0.80)), C("spam", "LoRA", Pair(3, 0.85, 0.90))], []));
        Assert.Equal(Verdict.Inconclusive, mixed.Verdict);
        Assert.Contains("mixed", mixed.Decider, StringComparison.Ordinal);
        var oneSeed = C10NtkCompetitive.Decide(new C10Evidence([C("polarity", "LoRA", Pair(1, 0.72, 0.745))], []));
        Assert.Equal(Verdict.Inconclusive, oneSeed.Verdict);
        Assert.Contains("needs >= 5 seeds: projected 95% CI half-width", oneSeed.Decider, StringComparison.Ordinal);
        Assert.Single(oneSeed.AgainstList);
        Assert.Equal(Verdict.Inconclusive, C10NtkCompetitive.Decide(new C10Evidence([], ["polarity"])).Verdict);
    }
}
