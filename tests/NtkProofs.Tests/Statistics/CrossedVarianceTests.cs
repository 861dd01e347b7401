using NtkProofs.Statistics;
using Xunit;

namespace NtkProofs.Tests.Statistics;

public class CrossedVarianceTests
{
    [Fact]
    public void TwoSeedsThreeExamplesMatchTheHandComputedMeanSquares()
    {
        // d (points) = 100 x [[1, 0, -1], [1, 1, 0]]: mean 33.33; MS_S = 6666.7, MS_X = 11666.7, MS_E = 1666.7 (by hand);
        // Var = (MS_S + MS_X - MS_E) / 6 = 2777.8; Satterthwaite df = 16666.7^2 / (6666.7^2 / 1 + 11666.7^2 / 2 + 1666.7^2 / 2) = 2.439.
        var v = CrossedVariance.Of([[1, 0, -1], [1, 1, 0]]);
        Assert.Equal(100.0 / 3, v.Mean, 9);
        Assert.Equal(16666.6667 / 6, v.Variance, 3);
        Assert.Equal(2.439, v.DegreesOfFreedom, 3);
        Assert.Equal(Math.Sqrt(6666.6667 / 3), v.SeedStandardDeviation, 3);
        Assert.Equal(Math.Sqrt(10000.0 / 6), v.ExampleStandardError, 3);
    }

    [Fact]
    public void OneSeedIsThePairedSampleOfExamplesAndNoVariationGivesZero()
    {
        // One seed, d = 100 x [1, 0, 0, 1]: mean 50, sample variance 3333.3, Var = 3333.3 / 4, df 3.
        var one = CrossedVariance.Of([[1, 0, 0, 1]]);
        Assert.Equal(50.0, one.Mean, 9);
        Assert.Equal(10000.0 / 3 / 4, one.Variance, 6);
        Assert.Equal(3.0, one.DegreesOfFreedom);
        var none = CrossedVariance.Of([[0, 0, 0], [0, 0, 0]]);
        Assert.Equal(0.0, none.Variance);

        // No seed effect and no residual: only the example term is kept (MS_S = MS_E = 0), df = n - 1.
        var examplesOnly = CrossedVariance.Of([[1, 0, -1], [1, 0, -1]]);
        Assert.Equal(2.0, examplesOnly.DegreesOfFreedom, 9);
        Assert.Throws<ArgumentException>(() => CrossedVariance.Of([[1]]));
        Assert.Throws<ArgumentException>(() => CrossedVariance.Of([[1, 0], [1]]));
    }

    [Fact]
    public void RealValuedContrastsScaleLikeTheirValuesAndGiveTheTInterval()
    {
        // Integer values through OfValues equal Of; halving every value halves the mean and quarters the variance (the
        // slope contrast's weights are real); the interval is mean -/+ t(df) sqrt(Var).
        int[][] d = [[1, 0, -1, 1], [1, 1, 0, 0], [0, 1, 1, 1]];
        var whole = CrossedVariance.Of(d);
        var same = CrossedVariance.OfValues([.. d.Select(r => r.Select(v => (double)v).ToArray())]);
        Assert.Equal(whole, same);
        var half = CrossedVariance.OfValues([.. d.Select(r => r.Select(v => v * 0.5).ToArray())]);
        Assert.Equal(whole.Mean / 2, half.Mean, 9);
        Assert.Equal(whole.Variance / 4, half.Variance, 9);
        Assert.Equal(whole.DegreesOfFreedom, half.DegreesOfFreedom, 9);
        var ci = whole.Interval(0.95);
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, whole.DegreesOfFreedom, 0.975);
        Assert.Equal(whole.Mean - (t * Math.Sqrt(whole.Variance)), ci.Low, 9);
        Assert.Equal(whole.Mean + (t * Math.Sqrt(whole.Variance)), ci.High, 9);
    }
}
