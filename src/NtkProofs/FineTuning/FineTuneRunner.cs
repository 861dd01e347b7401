using System.Diagnostics;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using NtkProofs.Tokenization;
using NtkProofs.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.FineTuning;

/// <summary>
/// One fine-tuning run on a real task: load and split the data, load the base encoder (all-MiniLM-L6-v2 unless another
/// <see cref="EncoderSource"/> is given), wrap it with the configured
/// adapter and a fresh 2-way head, train with AdamW for the configured steps (batches drawn from seeded epoch shuffles),
/// evaluate on validation and test (with <see cref="FineTuneConfig.EvalEvery"/>: early stopping on validation accuracy,
/// test evaluated once at the best checkpoint, or not at all for a run that must not see it), and save the adapter (with a probe batch of test sentences) to a folder.
/// </summary>
public static class FineTuneRunner
{
    /// <summary>Number of test sentences saved as the probe batch.</summary>
    public const int ProbeSize = 8;

    /// <summary>Runs the experiment.</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="adapterDirectory">Where the adapter is saved.</param>
    /// <param name="progress">Callbacks (optional).</param>
    /// <param name="examples">The task's examples; null to load them with <see cref="PatternCorpus"/>.</param>
    /// <param name="encoder">The base encoder; null for <see cref="EncoderSource.MiniLm"/>.</param>
    /// <param name="placement">
    /// Where the model and its batches live (null: the CPU). The model is built on the CPU and then moved, so a seed gives
    /// the same initialisation on every device; the adapter is saved from CPU copies (it loads on a CPU-only machine). The
    /// memory fields are the process RSS, which on CUDA does not include the GPU's memory.
    /// </param>
    /// <param name="initialize">Called once on the built model before the first step (e.g. an adapter initialized from a trained prefix, <see cref="PrefixConversion"/>); null for the method's own init.</param>
    /// <param name="cancellation">
    /// Checked before every step and every evaluation: once cancelled, the run stops with <see cref="OperationCanceledException"/>
    /// and saves nothing (a sweep interrupted by SIGTERM abandons the run within a step, not at the end of its point).
    /// </param>
    public static FineTuneResult Run(FineTuneConfig config, string adapterDirectory, FineTuneProgress? progress = null, IReadOnlyList<LabeledSentence>? examples = null, EncoderSource? encoder = null, DevicePlacement? placement = null, Action<AdaptedClassifier>? initialize = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        encoder ??= EncoderSource.MiniLm;
        config = config.Validated();
        progress ??= new FineTuneProgress();
        var total = Stopwatch.StartNew();
        var adapterConfig = config.ToAdapterConfig();

        progress.Status?.Invoke($"loading the {config.Task} data");
        examples ??= ClassificationTasks.Load(config.TaskKind);
        var splits = StratifiedSplitter.Split(examples, config.SplitSeed, config.ValidationFraction, config.TestFraction);
        var validation = Limit(splits.Validation, config.MaxEvalExamples);
        var test = Limit(splits.Test, config.MaxEvalExamples);

        // The adapter first (it fails fast for a method that is not available), then the pretrained encoder.
        manual_seed(config.Seed);
        var adapter = AdapterFactory.Create(adapterConfig, encoder.Config);
        progress.Status?.Invoke($"loading {encoder.Name}");
        var tokenizer = encoder.LoadTokenizer();
        BertModel bert;
        try
        {
            bert = encoder.LoadModel();
        }
        catch
        {
            adapter.Dispose();
            throw;
        }

        using var model = new AdaptedClassifier(bert, adapter, numLabels: 2);
        initialize?.Invoke(model);
        var device = (placement ?? DevicePlacement.Cpu).Device;
        model.to(device);
        var summary = model.Summary();
        progress.Status?.Invoke(summary.ToString());

        int warmup = (int)Math.Floor(config.Steps * config.WarmupFraction);
        using var trainer = new ClassificationTrainer(model, config.LearningRate, config.WeightDecay, config.Steps, warmup, config.EffectiveHeadLearningRate);
        var order = new BatchOrder(splits.Train.Count, config.BatchSize, config.Seed);
        var steps = new List<StepRecord>(config.Steps);
        MemoryProbe.ReleaseFreedMemory();
        long before = MemoryProbe.CurrentRssBytes;
        bool reset = MemoryProbe.ResetPeak();
        var curve = new List<ValidationPoint>();
        EvaluationResult? bestValidation = null;
        List<Tensor>? bestWeights = null;
        int selectedStep = config.Steps, sinceBest = 0;
        var trainable = model.TrainableParameters().Select(p => p.Parameter).ToList();
        try
        {
            for (int s = 0; s < config.Steps; s++)
            {
                cancellation.ThrowIfCancellationRequested();
                var indices = order.Next();
                var batchExamples = indices.Select(i => splits.Train[i]).ToList();
                using var batch = tokenizer.EncodeBatch(batchExamples.Select(e => e.Text).ToList(), config.MaxLength, device);
                var record = trainer.Step(batch, batchExamples.Select(e => e.Label).ToList());
                steps.Add(record);
                progress.Step?.Invoke(record);
                if (config.EvalEvery > 0 && (record.Step % config.EvalEvery == 0 || record.Step == config.Steps))
                {
                    cancellation.ThrowIfCancellationRequested();
                    var v = Evaluator.Evaluate(model, tokenizer, validation, config.MaxLength, config.EvalBatchSize);
                    curve.Add(new ValidationPoint(record.Step, v.Accuracy, v.Loss));
                    if (bestValidation is null || v.Accuracy > bestValidation.Accuracy)
                    {
                        bestValidation = v;
                        selectedStep = record.Step;
                        sinceBest = 0;
                        bestWeights?.ForEach(t => t.Dispose());
                        using (no_grad())
                        {
                            bestWeights = [.. trainable.Select(p => p.detach().clone())];
                        }
                    }
                    else if (config.Patience > 0 && ++sinceBest >= config.Patience)
                    {
                        progress.Status?.Invoke($"early stop at step {record.Step}: no better validation accuracy in {config.Patience} evaluations; best at step {selectedStep}");
                        break;
                    }
                }
            }

            if (bestWeights is not null && selectedStep != steps.Count)
            {
                using (no_grad())
                {
                    for (int i = 0; i < trainable.Count; i++)
                    {
                        trainable[i].copy_(bestWeights[i]);
                    }
                }
            }
        }
        finally
        {
            bestWeights?.ForEach(t => t.Dispose());
        }

        long peak = MemoryProbe.PeakRssBytes;
        long managed = MemoryProbe.ManagedHeapBytes;
        var validationResult = bestValidation ?? Evaluator.Evaluate(model, tokenizer, validation, config.MaxLength, config.EvalBatchSize, done => progress.Evaluation?.Invoke("validation", done, validation.Count));

        // The test split is evaluated once, at the selected checkpoint, and never when the run must not see it (learning-rate search).
        var testResult = config.EvaluateTest
            ? Evaluator.Evaluate(model, tokenizer, test, config.MaxLength, config.EvalBatchSize, done => progress.Evaluation?.Invoke("test", done, test.Count))
            : EvaluationResult.NotEvaluated;

        progress.Status?.Invoke($"saving the adapter to {adapterDirectory}");
        using (var probe = tokenizer.EncodeBatch(splits.Test.Take(ProbeSize).Select(e => e.Text).ToList(), config.MaxLength, device))
        {
            AdapterCheckpoint.Save(model, adapterDirectory, encoder.Name, probe);
        }

        total.Stop();
        return new FineTuneResult(
            config,
            AdapterConfigJson.Serialize(adapterConfig),
            summary.Trainable,
            summary.Total,
            summary.ToString(),
            splits.Train.Count,
            steps,
            validationResult,
            testResult,
            before,
            peak,
            reset,
            steps.Max(s => s.RssBytes),
            managed,
            TensorMemoryEstimate.ForAdamW(summary.Trainable, summary.Total),
            total.Elapsed.TotalSeconds)
        {
            SelectedStep = selectedStep,
            ValidationCurve = curve,
        };
    }

    private static IReadOnlyList<LabeledSentence> Limit(IReadOnlyList<LabeledSentence> items, int max) =>
        max > 0 && items.Count > max ? items.Take(max).ToList() : items;
}
