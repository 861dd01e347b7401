using NtkProofs.Experiments.AttentionExperiments;

namespace NtkProofs.Tests.Experiments.Reports.Claims.Attention;

/// <summary>The released trainer setting (best checkpoint by accuracy on the test split) leaks the test data into the report.</summary>
public sealed class ModelSelectionLeakTests
{
    [Fact]
    public void TheChosenCheckpointDependsOnTheTestDataAndItsAccuracyIsOptimistic()
    {
        var m = ModelSelectionLeak.Measure(seed: 20240620, replicates: 200);
        Assert.True(m.Disagreement > 0.1, $"two test splits picked the same checkpoint in {1 - m.Disagreement:P0} of replicates");
        Assert.True(m.Optimism - (1.96 * m.OptimismSe) > 0, $"optimism {m.Optimism:F4} +- {1.96 * m.OptimismSe:F4}");
    }

    [Fact]
    public void BestPicksTheFirstCheckpointWithTheHighestAccuracy()
    {
        var split = (new[] { new[] { 1.0 }, new[] { -1.0 } }, new[] { 1, 0 });
        var checkpoints = new List<double[]> { new[] { -1.0 }, new[] { 1.0 }, new[] { 2.0 } };
        Assert.Equal(1, ModelSelectionLeak.Best(checkpoints, split));
        Assert.Equal(0.0, ModelSelectionLeak.Accuracy(checkpoints[0], split));
    }
}
