using NtkProofs.Attention;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>The bound calculator: eps_g, when the bound is claimed, beta, and the corollary's g(m).</summary>
public sealed class TheoremBTests
{
    [Fact]
    public void EpsIsTheLagrangeRemainderFactor()
    {
        Assert.Equal(0, TheoremB.EpsG(0, 4));
        Assert.Equal(Math.Pow(0.5, 3) * Math.Exp(0.5) / 6, TheoremB.EpsG(0.5, 2), 15);
        Assert.Equal(Math.Pow(2, 9) * Math.Exp(2) / 362880, TheoremB.EpsG(2, 8), 15);
        Assert.True(double.IsFinite(TheoremB.EpsG(50, 100)));
    }

    [Fact]
    public void BoundIsClaimedOnlyForEvenDegreeAndEpsBelowOne()
    {
        var b = TheoremB.Evaluate(0.5, 2, 3.0);
        Assert.True(b.Claimed);
        Assert.Equal(2 * b.EpsG / (1 - b.EpsG) * 3.0, b.Bound, 14);
        Assert.Equal(0.5, b.Tightness(b.Bound / 2), 14);
        Assert.False(TheoremB.Evaluate(0.5, 3, 3.0).Claimed);
        var large = TheoremB.Evaluate(10, 4, 1.0);
        Assert.False(large.Claimed);
        Assert.True(double.IsPositiveInfinity(large.Bound));
        Assert.True(double.IsNaN(large.Tightness(0.1)));
    }

    [Fact]
    public void BetaIsTheLargestScaledDotProduct()
    {
        using var scope = NewDisposeScope();
        var q = Randn(1, [2, 3, 4, 5]);
        var pk = Randn(2, [3, 17, 5]);
        double expected = (matmul(q, pk.unsqueeze(0).transpose(2, 3)) / Math.Sqrt(5)).abs().max().item<double>();
        Assert.Equal(expected, TheoremB.Beta(q, pk, blockSize: 4), 12);
    }

    [Fact]
    public void SmallestEvenDegreeReachesTheTargetAndNoSmallerOneDoes()
    {
        foreach (double beta in new[] { 0.1, 1.0, 3.0 })
        {
            foreach (double target in new[] { 1e-2, 1e-6 })
            {
                int g = TheoremB.SmallestEvenDegree(beta, target);
                Assert.Equal(0, g % 2);
                double eps = TheoremB.EpsG(beta, g);
                Assert.True(2 * eps / (1 - eps) <= target);
                if (g >= 2)
                {
                    double before = TheoremB.EpsG(beta, g - 2);
                    Assert.True(before >= 1 || 2 * before / (1 - before) > target);
                }
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TheoremB.SmallestEvenDegree(100, 1e-300, maxDegree: 10));
    }

    [Fact]
    public void TrySmallestEvenDegreeAgreesAndReturnsNullWhereNoDegreeReaches()
    {
        Assert.Equal(TheoremB.SmallestEvenDegree(1.0, 0.01), TheoremB.TrySmallestEvenDegree(1.0, 0.01));
        Assert.Null(TheoremB.TrySmallestEvenDegree(100, 1e-300, maxDegree: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TheoremB.TrySmallestEvenDegree(1.0, 0));

        // The bound factor, not eps_g alone: eps_2(0.65) = 0.088 passes 0.1, 2 eps / (1 - eps) = 0.19 does not.
        double eps = TheoremB.EpsG(0.65, 2);
        Assert.Equal(2 * eps / (1 - eps), TheoremB.RelativeBound(0.65, 2), 15);
        Assert.Equal(4, TheoremB.TrySmallestEvenDegree(0.65, 0.1));
        Assert.Equal(double.PositiveInfinity, TheoremB.RelativeBound(10, 2));
    }
}
