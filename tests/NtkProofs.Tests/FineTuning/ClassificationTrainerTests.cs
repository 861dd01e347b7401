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

    [Fact]
    public void The_head_trains_at_its_own_rate_with_the_same_schedule_and_only_its_parameters_move_by_it()
    {
        using var model = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var batch = TinyModels.Batch();
        using var trainer = new ClassificationTrainer(model, 1e-3, 0.0, totalSteps: 4, warmupSteps: 2, headLearningRate: 5e-2);
        trainer.Step(batch, TinyModels.Labels);
        Assert.Equal([0.5e-3, 2.5e-2], trainer.GroupLearningRates);
        trainer.Step(batch, TinyModels.Labels);
        Assert.Equal([1e-3, 5e-2], trainer.GroupLearningRates);

        // Head only: one group, at the head's rate; no head rate given: the head follows the adapter's rate.
        using var head = TinyModels.Classifier(new HeadOnlyConfig());
        using var headTrainer = new ClassificationTrainer(head, 1e-3, 0.0, totalSteps: 1, headLearningRate: 7e-3);
        headTrainer.Step(batch, TinyModels.Labels);
        Assert.Equal([7e-3], headTrainer.GroupLearningRates);
        using var shared = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var sharedTrainer = new ClassificationTrainer(shared, 2e-3, 0.0, totalSteps: 1);
        sharedTrainer.Step(batch, TinyModels.Labels);
        Assert.Equal([2e-3, 2e-3], sharedTrainer.GroupLearningRates);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationTrainer(shared, 1e-3, 0.0, 1, headLearningRate: -1));
    }
}
