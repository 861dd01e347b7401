using NtkProofs.Experiments.Reports.Claims.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Experiments.Reports.Claims;

public class C9LowRankZTests
{
    private const int N = 1000;

    /// <summary>Seeds of (low-rank, full) correctness with accuracies pa and pb, nested so the difference is exact.</summary>
    private static PairedComparison Pair(int seeds, double pa, double pb)
    {
        var a = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pa * N).ToArray()).ToArray();
        var b = Enumerable.Range(0, seeds).Select(s => (IReadOnlyList<bool>)Enumerable.Range(0, N).Select(i => (i + 37 * s) % N < pb * N).ToArray()).ToArray();
        return PairedComparison.Compare(a, b);
    }

    private static C9Evidence Evidence(params PairedComparison?[] p) =>
        new([.. p.Select((c, i) => new C9Comparison("polarity", "elu1", 1 << i, c))]);

    [Fact]
    public void Equal_accuracy_at_every_rank_with_seeds_is_supported()
    {
        var r = C9LowRankZ.Decide(Evidence(Pair(3, 0.80, 0.80), Pair(3, 0.805, 0.80)));
        Assert.Equal(Verdict.Supported, r.Verdict);
    }

    [Fact]
    public void Large_losses_at_every_rank_are_not_supported_and_stated()
    {
        var r = C9LowRankZ.Decide(Evidence(Pair(3, 0.70, 0.80), Pair(3, 0.72, 0.80)));
        Assert.Equal(Verdict.NotSupported, r.Verdict);
        Assert.Equal(2, r.AgainstList.Count);
    }

    [Fact]
    public void One_seed_is_inconclusive_with_a_projected_half_width()
    {
        var r = C9LowRankZ.Decide(Evidence(Pair(1, 0.80, 0.80)));
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Contains("needs >= 5 seeds: projected 95% CI half-width", r.Decider, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_correctness_or_no_pairs_is_inconclusive()
    {
        Assert.Equal(Verdict.Inconclusive, C9LowRankZ.Decide(Evidence((PairedComparison?)null)).Verdict);
        Assert.Equal(Verdict.Inconclusive, C9LowRankZ.Decide(new C9Evidence([])).Verdict);
    }
}
