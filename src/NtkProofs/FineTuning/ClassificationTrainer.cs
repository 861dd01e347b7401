using System.Diagnostics;
using NtkProofs.Adapters;
using NtkProofs.Tokenization;
using static TorchSharp.torch;

namespace NtkProofs.FineTuning;

/// <summary>
/// AdamW on the trainable parameters of an <see cref="AdaptedClassifier"/> with cross-entropy loss and a linear
/// warm-up/decay learning-rate schedule. Each <see cref="Step"/> runs in its own dispose scope, so the live tensor count
/// stays flat across steps (only the optimizer's state persists, created at the first step).
/// </summary>
public sealed class ClassificationTrainer : IDisposable
{
    private readonly AdaptedClassifier model;
    private readonly TorchSharp.Modules.AdamW optimizer;
    private readonly int totalSteps;
    private readonly int warmupSteps;
    private readonly double learningRate;
    private int step;

    /// <summary>Creates the optimizer over <paramref name="model"/>'s trainable parameters.</summary>
    /// <param name="model">The wrapped model.</param>
    /// <param name="learningRate">Peak learning rate.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="totalSteps">Planned number of steps (for the decay; at least 1).</param>
    /// <param name="warmupSteps">Linear warm-up steps.</param>
    public ClassificationTrainer(AdaptedClassifier model, double learningRate, double weightDecay, int totalSteps, int warmupSteps = 0)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a finite number > 0");
        }

        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be finite and >= 0");
        }

        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"need 1 <= total steps and 0 <= warm-up <= total, got {totalSteps} and {warmupSteps}");
        }

        var parameters = model.TrainableParameters().Select(p => p.Parameter).ToList();
        if (parameters.Count == 0)
        {
            throw new ArgumentException("the model has no trainable parameters", nameof(model));
        }

        this.learningRate = learningRate;
        this.totalSteps = totalSteps;
        this.warmupSteps = warmupSteps;
        optimizer = optim.AdamW(parameters, lr: learningRate, weight_decay: weightDecay);
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsTaken => step;

    /// <summary>The learning rate used at step <paramref name="stepNumber"/> (1-based): linear warm-up, then linear decay to 0.</summary>
    /// <param name="stepNumber">The step.</param>
    public double LearningRateAt(int stepNumber)
    {
        if (warmupSteps > 0 && stepNumber <= warmupSteps)
        {
            return learningRate * stepNumber / warmupSteps;
        }

        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        return learningRate * Math.Max(0.0, (double)(totalSteps - stepNumber + 1) / decaySteps);
    }

    /// <summary>One optimizer step on a batch, in training mode.</summary>
    /// <param name="batch">Token ids and mask.</param>
    /// <param name="labels">Class indices, one per example.</param>
    public StepRecord Step(TokenBatch batch, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != batch.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for a batch of {batch.Count}", nameof(labels));
        }

        step++;
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = LearningRateAt(step);
        }

        model.train();
        double loss;
        long rss;
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var target = tensor(labels.Select(l => (long)l).ToArray());
            optimizer.zero_grad();
            var logits = model.forward(batch.InputIds, batch.AttentionMask);
            var lossTensor = nn.functional.cross_entropy(logits, target);
            lossTensor.backward();
            rss = MemoryProbe.CurrentRssBytes;
            optimizer.step();
            loss = lossTensor.item<float>();
        }

        clock.Stop();
        if (!double.IsFinite(loss))
        {
            throw new InvalidOperationException($"the training loss is {loss} at step {step}; lower the learning rate");
        }

        return new StepRecord(step, loss, clock.Elapsed.TotalSeconds, rss, MemoryProbe.LiveTensorCount);
    }

    /// <inheritdoc />
    public void Dispose() => optimizer.Dispose();
}
