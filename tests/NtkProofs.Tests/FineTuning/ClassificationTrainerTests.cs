using NtkProofs.Adapters;
using NtkProofs.FineTuning;
using NtkProofs.Tests.Support;

namespace NtkProofs.Tests.FineTuning;

public sealed class ClassificationTrainerTests
{
    [Fact]
    public void Learning_rate_warms_up_linearly_then_decays_to_zero()
    {
        using var model = TinyModels.Classifier(new HeadOnlyConfig());
        using var trainer = new ClassificationTrainer(model, 1.0, 0.0, totalSteps: 10, warmupSteps: 2);
        Assert.Equal(0.5, trainer.LearningRateAt(1), 12);
        Assert.Equal(1.0, trainer.LearningRateAt(2), 12);
        Assert.Equal(1.0, trainer.LearningRateAt(3), 12);
        Assert.Equal(1.0 / 8, trainer.LearningRateAt(10), 12);
    }

    [Fact]
    public void Training_reduces_the_loss_on_a_fixed_batch()
    {
        using var model = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var batch = TinyModels.Batch();
        using var trainer = new ClassificationTrainer(model, 5e-2, 0.0, totalSteps: 30);
        var losses = Enumerable.Range(0, 30).Select(_ => trainer.Step(batch, TinyModels.Labels).Loss).ToList();
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss went {losses[0]} -> {losses[^1]}");
    }
}
