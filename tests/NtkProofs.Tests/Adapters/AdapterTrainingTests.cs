using NtkProofs.Adapters;
using NtkProofs.FineTuning;
using NtkProofs.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>Freezing, gradient flow and one-step training of every method on a tiny model.</summary>
public sealed class AdapterTrainingTests
{
    [Theory]
    [MemberData(nameof(TinyModels.TrainableMethodsJson), MemberType = typeof(TinyModels))]
    public void Gradients_reach_only_adapter_and_head_and_frozen_weights_stay_bit_identical(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        using var model = TinyModels.Classifier(config, dropout: 0.1);
        using var batch = TinyModels.Batch();
        var frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => (p.name, copy: p.parameter.detach().clone().DetachFromDisposeScope())).ToList();
        var trainable = model.TrainableParameters();

        bool trainsBase = config is FullFineTuningConfig;
        Assert.Equal(trainsBase, trainable.Any(p => p.Name.StartsWith("bert.", StringComparison.Ordinal)));
        Assert.Contains(trainable, p => p.Name == "classifier.weight");
        Assert.All(trainable, p => Assert.True(p.Name.StartsWith("classifier.", StringComparison.Ordinal) || p.Name.StartsWith("adapter.", StringComparison.Ordinal) || trainsBase, p.Name));

        // One backward pass: every trainable parameter gets a gradient, no frozen one does.
        using (var scope = NewDisposeScope())
        {
            model.train();
            var loss = nn.functional.cross_entropy(model.forward(batch.InputIds, batch.AttentionMask), tensor(TinyModels.Labels.Select(l => (long)l).ToArray()));
            loss.backward();
            foreach (var (name, p) in model.named_parameters())
            {
                if (p.requires_grad)
                {
                    Assert.True(p.grad is not null, $"no gradient reached {name}");
                }
                else
                {
                    Assert.True(p.grad is null, $"frozen {name} got a gradient");
                }
            }

            // Something beyond the head moved the loss (LoRA: B; prefix: the embedding; full: the encoder).
            if (config is not HeadOnlyConfig)
            {
                double adapterGrad = model.TrainableParameters().Where(p => !p.Name.StartsWith("classifier.", StringComparison.Ordinal))
                    .Sum(p => p.Parameter.grad!.abs().sum().item<float>());
                Assert.True(adapterGrad > 0, "the adapter received only zero gradients");
            }
        }

        using (var trainer = new ClassificationTrainer(model, 1e-2, 0.01, totalSteps: 3))
        {
            for (int i = 0; i < 3; i++)
            {
                trainer.Step(batch, TinyModels.Labels);
            }
        }

        foreach (var (name, copy) in frozen)
        {
            var now = model.named_parameters().Single(p => p.name == name).parameter;
            Assert.True(TensorAssert.Identical(now, copy), $"frozen parameter {name} changed during training");
            copy.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.TrainableMethodsJson), MemberType = typeof(TinyModels))]
    public void One_training_step_changes_the_trainable_parameters_and_gives_a_finite_loss(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        using var model = TinyModels.Classifier(config);
        using var batch = TinyModels.Batch();
        var before = model.TrainableParameters().Select(p => p.Parameter.detach().clone().DetachFromDisposeScope()).ToList();
        using var trainer = new ClassificationTrainer(model, 1e-2, 0.0, totalSteps: 1);
        var record = trainer.Step(batch, TinyModels.Labels);
        Assert.True(double.IsFinite(record.Loss) && record.Loss > 0, $"loss {record.Loss}");
        Assert.True(record.Seconds > 0);
        var after = model.TrainableParameters().Select(p => p.Parameter).ToList();
        Assert.Contains(Enumerable.Range(0, before.Count), i => !TensorAssert.Identical(before[i], after[i]));
        before.ForEach(t => t.Dispose());
    }

    [Fact]
    public void Live_tensor_count_does_not_grow_over_repeated_steps()
    {
        foreach (var config in TinyModels.TrainableMethods())
        {
            using var model = TinyModels.Classifier(config, dropout: 0.1);
            using var batch = TinyModels.Batch();
            using var trainer = new ClassificationTrainer(model, 1e-3, 0.01, totalSteps: 12);
            var live = new List<long>();
            for (int i = 0; i < 12; i++)
            {
                live.Add(trainer.Step(batch, TinyModels.Labels).LiveTensors);
            }

            // The optimizer creates its state at the first step; after that the count must stay flat.
            Assert.True(live.Skip(2).Distinct().Count() == 1, $"{config.Method}: live tensors per step {string.Join(", ", live)}");
        }
    }

    [Fact]
    public void The_wrapper_prints_peft_style_parameter_counts_that_match_the_config_counter()
    {
        var config = new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0);
        using var model = TinyModels.Classifier(config);
        var tiny = TinyModels.Config();
        var arch = NtkProofs.Adapters.Counting.AttentionArchitecture.FromBert(tiny);
        long adapter = NtkProofs.Adapters.Counting.ParameterCounter.CountAdapter(config, arch);
        long head = NtkProofs.Adapters.Counting.ParameterCounter.CountHead(tiny.HiddenSize, 2);
        long bert = NtkProofs.Adapters.Counting.ParameterCounter.CountBert(tiny);
        var summary = model.Summary();
        Assert.Equal(adapter + head, summary.Trainable);
        Assert.Equal(bert + adapter + head, summary.Total);

        using var writer = new StringWriter();
        model.PrintTrainableParameters(writer);
        string expected = string.Format(System.Globalization.CultureInfo.InvariantCulture, "trainable params: {0:N0} || all params: {1:N0} || trainable%: {2:F4}", adapter + head, bert + adapter + head, 100.0 * (adapter + head) / (bert + adapter + head));
        Assert.Equal(expected + Environment.NewLine, writer.ToString());
    }
}
