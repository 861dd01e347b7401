using NtkProofs.Measurements;
using NtkProofs.Attention;

namespace NtkProofs.Tests.Measurements;

/// <summary>The released-defect measurements the report's C12 row rests on.</summary>
public sealed class ReleasedDefectsTests
{
    [Fact]
    public void AllFourDefectsReproduce()
    {
        var d = ReleasedDefects.Measure(7);
        Assert.True(d.DoubleCountingReproduced, $"released {d.DoubleCountingReleasedError}, intended {d.DoubleCountingIntendedError}");
        Assert.True(d.FrozenKReproduced, $"grad {d.FrozenKGradientAtZero}, from 0 {d.FrozenKMovedFromZero}, from 0.01 {d.FrozenKMovedFromSmall}");
        Assert.InRange(d.OverflowRowMax, 88.7, 88.8);
        Assert.True(d.OverflowReproduced, $"threshold {d.OverflowRowMax}, exact {d.ExactAtOverflow}, stable error {d.StableErrorAtOverflow}");
        Assert.True(d.EvalDropoutReproduced, $"released {d.EvalDropoutDifference}, ours {d.OurEvalDifference}");
    }
}
