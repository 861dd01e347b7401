using NtkProofs.Numerics;

namespace NtkProofs.Tests.Numerics;

public sealed class ToleranceTests
{
    [Fact]
    public void CompareReportsRelativeAndAbsoluteErrors()
    {
        var c = new Tolerance(1e-3, 0).Compare([1.0, 2.0, 2.0], [1.0, 2.0, 2.001]);
        Assert.Equal(0.001 / 3.0, c.RelativeFrobenius, 6);
        Assert.Equal(0.001, c.MaxAbsolute, 12);
        Assert.True(c.Passed);
        Assert.False(new Tolerance(1e-4, 0).Compare([1.0, 2.0, 2.0], [1.0, 2.0, 2.001]).Passed);
    }

    [Fact]
    public void NaNNeverPasses()
    {
        Assert.False(Tolerance.Float64.Compare([double.NaN], [1.0]).Passed);
        Assert.False(Tolerance.Float64.Accepts(double.NaN, 1.0));
    }

    [Fact]
    public void LengthMismatchIsAnError() =>
        Assert.Throws<ArgumentException>(() => Tolerance.Float64.Compare([1.0], [1.0, 2.0]));
}
