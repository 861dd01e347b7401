using NtkProofs.Statistics;

namespace NtkProofs.Tests.Statistics;

public sealed class LogLogFitTests
{
    [Fact]
    public void RecoversAnExactPowerLaw()
    {
        var x = new[] { 64.0, 128, 256, 512, 1024 };
        var y = x.Select(v => 3.0 * Math.Pow(v, -0.5)).ToArray();
        var fit = LogLogFit.Fit(x, y);
        Assert.Equal(-0.5, fit.Slope, 12);
        Assert.Equal(Math.Log(3.0), fit.Intercept, 12);
        Assert.Equal(1.0, fit.RSquared, 12);
        Assert.Equal(3.0 / 32, fit.Predict(1024), 12);
    }

    [Fact]
    public void RejectsNonPositiveValues()
    {
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit([1.0, 2.0], [1.0, 0.0]));
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit([1.0], [1.0]));
    }

    [Fact]
    public void SummaryUsesTheSampleStandardDeviation()
    {
        var s = Summary.Of([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), s.StandardDeviation, 12);
        Assert.Equal(0, Summary.Of([7.0]).StandardDeviation);
    }
}
