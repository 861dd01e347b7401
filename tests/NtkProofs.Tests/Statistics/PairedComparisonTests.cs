using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Statistics;

public class PairedComparisonTests
{
    private static bool[] Flags(int n, Func<int, bool> f) => Enumerable.Range(0, n).Select(f).ToArray();

    [Fact]
    public void IdenticalPredictionsGiveZeroDifferenceAndZeroWidthInterval()
    {
        var a = new IReadOnlyList<bool>[] { Flags(200, i => i % 3 != 0), Flags(200, i => i % 4 != 0) };
        var r = PairedComparison.Compare(a, a);
        Assert.Equal(0.0, r.Difference.Estimate);
        Assert.Equal(0.0, r.Difference.Low);
        Assert.Equal(0.0, r.Difference.High);
        Assert.All(r.McNemarP, p => Assert.Equal(1.0, p));
        Assert.Equal(NonInferiorityOutcome.Competitive, NonInferiority.Decide(r.Difference, 1.0));
        Assert.False(NonInferiority.Superior(r.Difference));
    }

    [Fact]
    public void McNemarMatchesHandComputedBinomial()
    {
        // b = 1, c = 9: P(X <= 1) for Bin(10, 1/2) = (1 + 10) / 1024; two-sided 22/1024.
        Assert.Equal(22.0 / 1024, McNemar.ExactP(1, 9), 12);
        Assert.Equal(22.0 / 1024, McNemar.ExactP(9, 1), 12);
        // b = c: p = 1 (capped).
        Assert.Equal(1.0, McNemar.ExactP(5, 5));
        // b = 0, c = 6: 2 / 64.
        Assert.Equal(2.0 / 64, McNemar.ExactP(0, 6), 12);
        Assert.Equal(1.0, McNemar.ExactP(0, 0));
        // From vectors: only-A correct at 0, only-B correct at 1..9.
        var first = Flags(20, i => i == 0 || i >= 10);
        var second = Flags(20, i => i >= 1);
        Assert.Equal(22.0 / 1024, McNemar.ExactP(first, second), 12);
    }

    [Fact]
    public void KnownDifferenceIsEstimatedAndSignedAsAMinusB()
    {
        // A is right on 80% of 500 examples, B on 70%, nested: difference exactly +10 points.
        var a = new IReadOnlyList<bool>[] { Flags(500, i => i % 10 < 8) };
        var b = new IReadOnlyList<bool>[] { Flags(500, i => i % 10 < 7) };
        var r = PairedComparison.Compare(a, b);
        Assert.Equal(10.0, r.Difference.Estimate, 9);
        Assert.Equal(80.0, r.AccuracyA, 9);
        Assert.Equal(70.0, r.AccuracyB, 9);
        Assert.True(r.Difference.Low > 0 && r.Difference.High < 20);
        Assert.True(NonInferiority.Superior(r.Difference));
        var reverse = PairedComparison.Compare(b, a);
        Assert.Equal(NonInferiorityOutcome.Inferior, NonInferiority.Decide(reverse.Difference, 1.0));
    }

    [Fact]
    public void CoverageOfTheTrueDifferenceIsNearNominal()
    {
        // A and B right independently with p = 0.75 and 0.73 per example: true difference 2 points. Over 200 simulated
        // data sets of 3 seeds x 300 examples, the 95% interval should cover 2 about 95% of the time; with 200 trials the
        // binomial SE of the coverage is 1.5%, so [0.89, 0.99] is a 4-SE band.
        var rng = new Random(7);
        int covered = 0, trials = 200;
        for (int t = 0; t < trials; t++)
        {
            var a = new IReadOnlyList<bool>[3];
            var b = new IReadOnlyList<bool>[3];
            for (int s = 0; s < 3; s++)
            {
                a[s] = Flags(300, _ => rng.NextDouble() < 0.75);
                b[s] = Flags(300, _ => rng.NextDouble() < 0.73);
            }

            var r = PairedComparison.Compare(a, b);
            if (r.Difference.Contains(2.0))
            {
                covered++;
            }
        }

        double coverage = covered / (double)trials;
        Assert.InRange(coverage, 0.89, 0.99);
    }

    [Fact]
    public void NonInferiorityReachesEveryOutcome()
    {
        Assert.Equal(NonInferiorityOutcome.Competitive, NonInferiority.Decide(new ConfidenceInterval(0, -0.5, 0.5, 0.95), 1));
        Assert.Equal(NonInferiorityOutcome.Inferior, NonInferiority.Decide(new ConfidenceInterval(-3, -4, -1.5, 0.95), 1));
        Assert.Equal(NonInferiorityOutcome.Inconclusive, NonInferiority.Decide(new ConfidenceInterval(-1, -2, 0, 0.95), 1));
        Assert.True(NonInferiority.Superior(new ConfidenceInterval(1, 0.1, 2, 0.95)));
    }

    [Fact]
    public void ProjectedHalfWidthShrinksWithSeedsAndRejectsUnpairedInput()
    {
        var a = new IReadOnlyList<bool>[] { Flags(400, i => i % 4 != 0) };
        var b = new IReadOnlyList<bool>[] { Flags(400, i => i % 5 != 0) };
        var r = PairedComparison.Compare(a, b);
        Assert.True(r.ProjectedHalfWidth(5) < r.ProjectedHalfWidth(1));
        Assert.True(r.ProjectedHalfWidth(5) > 0);
        Assert.Throws<ArgumentException>(() => PairedComparison.Compare(a, new IReadOnlyList<bool>[] { Flags(399, _ => true) }));
        Assert.Throws<FormatException>(() => Correctness.Decode("01x"));
        Assert.Equal("0110", Correctness.Encode(Correctness.Decode("0110")));
    }

    [Fact]
    public void CrossedResamplingCoversWhenExamplesCarryASharedEffect()
    {
        // Examples differ: on 10% of them A is right and B wrong with probability 0.9 each, on 8% the reverse, elsewhere both
        // are right with probability 0.75, independently per seed. The true difference is 0.1 * 0.8 - 0.08 * 0.8 = 1.6
        // points, and an example's effect is shared by every seed evaluated on it, so an interval that redrew examples per
        // seed would see a fifth of the example variance at 5 seeds and cover far below 95%. Over 200 simulated data sets
        // of 5 seeds x 300 fresh examples the crossed interval should cover 1.6 about 95% of the time; with 200 trials the
        // binomial SE of the coverage is 1.5%, so [0.89, 0.99] is a 4-SE band (as for independent examples above).
        var rng = new Random(11);
        int covered = 0, trials = 200;
        for (int t = 0; t < trials; t++)
        {
            var kind = Enumerable.Range(0, 300).Select(_ => rng.NextDouble()).Select(u => u < 0.10 ? 1 : u < 0.18 ? 2 : 0).ToArray();
            var a = new IReadOnlyList<bool>[5];
            var b = new IReadOnlyList<bool>[5];
            for (int s = 0; s < 5; s++)
            {
                a[s] = Flags(300, i => rng.NextDouble() < (kind[i] == 1 ? 0.9 : kind[i] == 2 ? 0.1 : 0.75));
                b[s] = Flags(300, i => rng.NextDouble() < (kind[i] == 1 ? 0.1 : kind[i] == 2 ? 0.9 : 0.75));
            }

            var r = PairedComparison.Compare(a, b);
            if (r.Difference.Contains(1.6))
            {
                covered++;
            }
        }

        Assert.InRange(covered / (double)trials, 0.89, 0.99);
    }

    [Fact]
    public void SeedsToDecideFollowsTheProjectionAndSaysWhenSeedsCannotDecide()
    {
        // Five seeds, 1000 examples: A right on a nested 70-74%, B on 70%, so the per-seed differences are 0..4 points (mean
        // 2, seed SD 1.58) and the example component is small.
        var a = new IReadOnlyList<bool>[5];
        var b = new IReadOnlyList<bool>[5];
        for (int s = 0; s < 5; s++)
        {
            int extra = 10 * s;
            a[s] = Flags(1000, i => i < 700 + extra);
            b[s] = Flags(1000, i => i < 700);
        }

        var r = PairedComparison.Compare(a, b);
        Assert.Equal(2.0, r.Difference.Estimate, 9);
        Assert.Equal(Math.Sqrt(2.5), r.SeedStandardDeviation, 9);

        // 3 points from the -1 margin: enough once 1.96 sqrt(SD^2 / k + SE^2) < 3.
        int k = Assert.NotNull(r.SeedsToDecide(1.0));
        Assert.True(r.ProjectedHalfWidth(k) < 3.0);
        Assert.True(k == r.Seeds + 1 || r.ProjectedHalfWidth(k - 1) >= 3.0);

        // With the estimate on the margin no seed count decides.
        var onMargin = r with { Difference = new ConfidenceInterval(-1.0, -2.0, 0.0, 0.95) };
        Assert.Null(onMargin.SeedsToDecide(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.SeedsToDecide(0));
    }
}
