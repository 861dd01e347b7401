using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// Issue 10's closed-form conversion, prefix -&gt; NTK-Attention, on a real task: train P-Tuning v2 (m tokens), compute
/// Z(P), k(P) per layer and head from the learned prefix (<see cref="PrefixConversion"/>), evaluate the converted adapter
/// with the prefix run's classification head before any training, then train it (same schedule and seed) and evaluate
/// again. Records the three accuracies with per-example correctness (<see cref="PrefixConversionRecord"/>). Settings not
/// given come from <c>experiments/configs/finetune/</c> as for <see cref="FinetuneExperiment"/>. In a sweep with a store,
/// the prefix run is trained once per configuration and shared by the points that convert it (<see cref="PrefixRunCache"/>).
/// </summary>
public sealed class PrefixConversionExperiment : TypedExperiment<PrefixConversionRecord>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "prefix-to-ntk";

    private readonly FinetuneExperiment inner;

    /// <summary>The real experiment (all-MiniLM-L6-v2).</summary>
    public PrefixConversionExperiment()
        : this(new FinetuneExperiment())
    {
    }

    /// <summary>The experiment on the encoder and data of <paramref name="inner"/> (tests use a tiny encoder).</summary>
    /// <param name="inner">The single-run experiment whose encoder, data and settings layering are used.</param>
    public PrefixConversionExperiment(FinetuneExperiment inner) => this.inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "train P-Tuning v2, convert the learned prefix to NTK-Attention in closed form (Z(P), k(P)), evaluate it before training, train it: three test accuracies with per-example correctness";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("task", "polarity", "polarity, uncertainty or spam", [.. ClassificationTasks.Names]),
        ParameterSpec.Int("prefix_length", 10, "m of the P-Tuning v2 prefix", 1, 100_000),
        ParameterSpec.Text("feature", "elu1", "phi of the converted adapter: elu1 or prf:R (positive features, so k(P) >= 0)"),
        ParameterSpec.Int("ntk_rank", 0, "s of the converted Z (0 = full Z; else the best rank-s approximation of Z(P))", 0, 100_000),
        ParameterSpec.Int("steps", 200, "optimizer steps of each training run", 1, 1_000_000),
        ParameterSpec.Int("batch", 16, "training batch size", 1, 4096),
        ParameterSpec.Int("max_length", 64, "maximum tokens per sentence", 3, 512),
        ParameterSpec.Real("prefix_lr", 0, "peak learning rate of the prefix run; 0 = prefix.json's", 0, 10),
        ParameterSpec.Real("ntk_lr", 0, "peak learning rate of the converted adapter's training; 0 = ntk.json's", 0, 10),
        ParameterSpec.Int("seed", 1, "training seed of both runs", 0, int.MaxValue),
        ParameterSpec.Int("max_eval", 0, "evaluate at most this many validation and test sentences; 0 = all", 0, 1_000_000),
    ];

    /// <summary>The <see cref="FinetuneExperiment"/> point of one of the two runs.</summary>
    /// <param name="point">A point of this experiment.</param>
    /// <param name="ntk">The converted adapter's run (else the prefix run).</param>
    public SweepPoint InnerPoint(SweepPoint point, bool ntk)
    {
        ArgumentNullException.ThrowIfNull(point);
        var values = inner.Parameters.ToDictionary(p => p.Name, p => p.Default.DeepClone());
        foreach (string name in new[] { "task", "steps", "batch", "max_length", "seed", "max_eval" })
        {
            values[name] = point.ToJson()[name]!.DeepClone();
        }

        if (ntk)
        {
            values["method"] = NtkAttentionAdapterConfig.MethodName;
            values["feature"] = point.Text("feature");
            values["ntk_rank"] = point.Int("ntk_rank");
            values["lr"] = point.Real("ntk_lr");
        }
        else
        {
            values["method"] = PrefixTuningAdapterConfig.MethodName;
            values["prefix_length"] = point.Int("prefix_length");
            values["lr"] = point.Real("prefix_lr");
        }

        return new SweepPoint(FinetuneExperiment.ExperimentName, values);
    }

    /// <inheritdoc />
    /// <remarks>As finetune: the models are built and converted on the CPU, then moved; the adapters are saved from CPU copies.</remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override PrefixConversionRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var prefixConfig = inner.Resolve(InnerPoint(point, ntk: false), context.MasterSeed);
        var ntkConfig = inner.Resolve(InnerPoint(point, ntk: true), context.MasterSeed);
        if (ntkConfig.ToAdapterConfig() is not NtkAttentionAdapterConfig { FeatureMap: NtkAttentionAdapterConfig.Elu1 or NtkAttentionAdapterConfig.PositiveRandom })
        {
            throw new ArgumentException($"feature '{point.Text("feature")}': the conversion needs positive features (elu1 or prf:R) so that k(P) >= 0 fits k = |kappa|");
        }

        var examples = inner.LoadExamples(prefixConfig.TaskKind);
        var splits = StratifiedSplitter.Split(examples, ntkConfig.SplitSeed, ntkConfig.ValidationFraction, ntkConfig.TestFraction);
        var validation = Limit(splits.Validation, ntkConfig.MaxEvalExamples);
        var test = Limit(splits.Test, ntkConfig.MaxEvalExamples);
        string root = Path.Combine(Path.GetTempPath(), "ntkproofs-prefix-to-ntk-" + point.Key + "-" + Guid.NewGuid().ToString("N")[..8]);
        string prefixDir = Path.Combine(root, "prefix"), ntkDir = Path.Combine(root, "ntk");
        try
        {
            var cache = PrefixRunCache.For(context.Parts, prefixConfig.ToJson());
            FinetuneRun prefixRun;
            string prefixWeights;
            if (cache?.TryRead() is { } cached)
            {
                context.Status?.Invoke("prefix run: stored (shared with the other points of this task, m and seed)");
                (prefixRun, prefixWeights) = (cached.Run with { SettingKey = KeyOf(point) }, cached.WeightsFile);
            }
            else
            {
                var prefixResult = FineTuneRunner.Run(prefixConfig, prefixDir, examples: examples, encoder: inner.Encoder, placement: context.Placement, cancellation: context.Cancellation);
                prefixRun = FinetuneExperiment.Record(KeyOf(point), prefixConfig, prefixResult, inner.Encoder)
                    with { ZSpectra = ZSpectrum.Encode(ZSpectra.FromCheckpoint(prefixDir, prefixConfig.ToAdapterConfig(), inner.Encoder.Config)) };
                prefixWeights = Path.Combine(prefixDir, AdapterCheckpoint.WeightsFile);
                cache?.Write(prefixRun, prefixWeights);
            }

            var saved = NtkProofs.IO.SafetensorsCpu.Load(prefixWeights);
            EvaluationResult? convertedTest = null, convertedValidation = null;
            FineTuneResult trained;
            try
            {
                var tokenizer = inner.Encoder.LoadTokenizer();
                // The conversion and the before-training evaluation run on the CPU model, before the runner moves it to the device.
                trained = FineTuneRunner.Run(ntkConfig, ntkDir, examples: examples, encoder: inner.Encoder, placement: context.Placement, cancellation: context.Cancellation, initialize: model =>
                {
                    Convert(model, saved, (PrefixTuningAdapterConfig)prefixConfig.ToAdapterConfig());
                    convertedValidation = Evaluator.Evaluate(model, tokenizer, validation, ntkConfig.MaxLength, ntkConfig.EvalBatchSize);
                    convertedTest = Evaluator.Evaluate(model, tokenizer, test, ntkConfig.MaxLength, ntkConfig.EvalBatchSize);
                });
            }
            finally
            {
                foreach (var t in saved.Values)
                {
                    t.Dispose();
                }
            }

            var trainedRun = FinetuneExperiment.Record(KeyOf(point), ntkConfig, trained, inner.Encoder) with
            {
                Init = $"from P-Tuning v2 m = {point.Int("prefix_length")}",
                ZSpectra = ZSpectrum.Encode(ZSpectra.FromCheckpoint(ntkDir, ntkConfig.ToAdapterConfig(), inner.Encoder.Config)),
            };
            return new PrefixConversionRecord(point.Text("task"), point.Int("prefix_length"), point.Text("feature"), point.Int("ntk_rank"), point.Int("seed"),
                prefixRun, convertedTest!.Accuracy, convertedValidation!.Accuracy, convertedTest.Correct, trainedRun);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>
    /// Puts the converted state into <paramref name="model"/>'s NTK-Attention adapter and the prefix run's head into its head:
    /// the prefix adapter is rebuilt from <paramref name="prefixConfig"/> and the saved weights (<c>adapter.*</c>, <c>classifier.*</c>).
    /// </summary>
    /// <param name="model">The NTK-Attention classifier.</param>
    /// <param name="saved">The prefix run's saved trainable weights.</param>
    /// <param name="prefixConfig">The prefix configuration.</param>
    public static void Convert(AdaptedClassifier model, IReadOnlyDictionary<string, Tensor> saved, PrefixTuningAdapterConfig prefixConfig)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(prefixConfig);
        var ntk = model.Adapter as NtkAttentionAdapter ?? throw new ArgumentException($"the model's adapter is {model.Adapter.GetType().Name}, not NTK-Attention", nameof(model));
        using var prefix = new PrefixTuningAdapter(prefixConfig, model.Bert.Config);
        using (no_grad())
        {
            Copy(prefix.named_parameters(), saved, "adapter.");
            Copy(model.named_parameters().Where(p => p.name.StartsWith(AdaptedClassifier.HeadPrefix, StringComparison.Ordinal)).Select(p => (p.name[AdaptedClassifier.HeadPrefix.Length..], p.parameter)), saved, AdaptedClassifier.HeadPrefix);
        }

        prefix.eval();
        PrefixConversion.Initialize(ntk, prefix);
    }

    private static void Copy(IEnumerable<(string name, TorchSharp.Modules.Parameter parameter)> targets, IReadOnlyDictionary<string, Tensor> saved, string prefix)
    {
        foreach (var (name, parameter) in targets)
        {
            if (!saved.TryGetValue(prefix + name, out var value) || !value.shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException($"the prefix run saved no {prefix}{name} of shape [{string.Join(", ", parameter.shape)}]");
            }

            parameter.copy_(value);
        }
    }

    private static string KeyOf(SweepPoint point)
    {
        var key = point.ToJson();
        key.Remove("seed");
        return key.ToJsonString();
    }

    private static IReadOnlyList<LabeledSentence> Limit(IReadOnlyList<LabeledSentence> items, int max) =>
        max > 0 && items.Count > max ? items.Take(max).ToList() : items;
}
