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
    private readonly double[] groupPeaks;
    private int step;

    /// <summary>Creates the optimizer over <paramref name="model"/>'s trainable parameters.</summary>
    /// <param name="model">The wrapped model.</param>
    /// <param name="learningRate">Peak learning rate.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="totalSteps">Planned number of steps (for the decay; at least 1).</param>
    /// <param name="warmupSteps">Linear warm-up steps.</param>
    /// <param name="headLearningRate">
    /// Peak learning rate of the classification head (parameters named <c>classifier.*</c>); null uses
    /// <paramref name="learningRate"/>. Both follow the same warm-up/decay shape.
    /// </param>
    public ClassificationTrainer(AdaptedClassifier model, double learningRate, double weightDecay, int totalSteps, int warmupSteps = 0, double? headLearningRate = null)
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

        double headRate = headLearningRate ?? learningRate;
        if (!(headRate > 0) || !double.IsFinite(headRate))
        {
            throw new ArgumentOutOfRangeException(nameof(headLearningRate), headRate, "head learning rate must be a finite number > 0");
        }

        var trainable = model.TrainableParameters();
        if (trainable.Count == 0)
        {
            throw new ArgumentException("the model has no trainable parameters", nameof(model));
        }

        var groups = new List<(double Peak, List<TorchSharp.Modules.Parameter> Parameters)>();
        var head = trainable.Where(p => p.Name.StartsWith(AdaptedClassifier.HeadPrefix, StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
        var rest = trainable.Where(p => !p.Name.StartsWith(AdaptedClassifier.HeadPrefix, StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
        if (rest.Count > 0)
        {
            groups.Add((learningRate, rest));
        }

        if (head.Count > 0)
        {
            groups.Add((headRate, head));
        }

        this.learningRate = learningRate;
        this.totalSteps = totalSteps;
        this.warmupSteps = warmupSteps;
        groupPeaks = [.. groups.Select(g => g.Peak)];
        optimizer = optim.AdamW(groups.Select(g => new TorchSharp.Modules.AdamW.ParamGroup(g.Parameters, lr: g.Peak, weight_decay: weightDecay)), lr: learningRate, weight_decay: weightDecay);
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsTaken => step;

    /// <summary>The current learning rate of each parameter group (adapter/encoder first, then the head).</summary>
    public IReadOnlyList<double> GroupLearningRates => [.. optimizer.ParamGroups.Select(g => g.LearningRate)];

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
        double factor = LearningRateAt(step) / learningRate;
        int g = 0;
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = groupPeaks[g++] * factor;
        }

        model.train();
        double loss;
        long rss;
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var target = tensor(labels.Select(l => (long)l).ToArray(), device: batch.InputIds.device);
            optimizer.zero_grad();
            var logits = model.forward(batch.InputIds, batch.AttentionMask);
            var lossTensor = nn.functional.cross_entropy(logits, target);
            lossTensor.backward();
            rss = MemoryProbe.CurrentRssBytes;
            optimizer.step();
            loss = lossTensor.item<float>();   // reading the loss waits for the device, so the clock below includes the step's work on CUDA too
        }

        clock.Stop();
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(step, loss);
        }

        return new StepRecord(step, loss, clock.Elapsed.TotalSeconds, rss, MemoryProbe.LiveTensorCount);
    }

    /// <inheritdoc />
    public void Dispose() => optimizer.Dispose();
}
