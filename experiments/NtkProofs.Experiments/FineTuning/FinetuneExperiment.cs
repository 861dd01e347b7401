using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Data;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// Issue 5's fine-tuning grid, one point per (task, method and its settings, seed): a <see cref="FineTuneRunner"/> run of
/// all-MiniLM-L6-v2 with one adapter, summarised as test and validation accuracy, trainable / total parameters (and the
/// <see cref="ParameterCounter"/> formula for the same configuration, for claim C11), time per step, peak memory and final
/// training loss. Settings not given by the point come from <c>experiments/configs/finetune/defaults.json</c> and the
/// method's file there (its learning rate unless <c>lr</c> &gt; 0). The split seed is the sweep's master seed, so every
/// method and seed sees the same test set.
/// </summary>
public sealed class FinetuneExperiment : IExperiment
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "finetune";

    /// <summary>What <c>peak_rss_mib</c> measures (stored with every result).</summary>
    public const string MemoryMeasure =
        "peak resident set of the process during the training steps (Linux VmHWM, reset via /proc/self/clear_refs before the first step when allowed): libtorch CPU tensors (weights, activations, gradients, AdamW state) plus the .NET heap and native libraries";

    private readonly EncoderSource encoder;
    private readonly Func<ClassificationTask, IReadOnlyList<LabeledSentence>> loadExamples;
    private readonly string? methodConfigFolder;

    /// <summary>The real experiment: all-MiniLM-L6-v2, data from Debian's python3-pattern, method files from the repository.</summary>
    public FinetuneExperiment()
        : this(EncoderSource.MiniLm, task => PatternCorpus.Load(task), null)
    {
    }

    /// <summary>An experiment on another encoder and data source (tests use a tiny encoder and synthetic sentences).</summary>
    /// <param name="encoder">The base encoder.</param>
    /// <param name="loadExamples">Loads a task's labelled sentences.</param>
    /// <param name="methodConfigFolder">Folder with defaults.json and the per-method files; null for experiments/configs/finetune of the repository.</param>
    public FinetuneExperiment(EncoderSource encoder, Func<ClassificationTask, IReadOnlyList<LabeledSentence>> loadExamples, string? methodConfigFolder)
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        this.loadExamples = loadExamples ?? throw new ArgumentNullException(nameof(loadExamples));
        this.methodConfigFolder = methodConfigFolder;
    }

    /// <inheritdoc />
    public string Name => ExperimentName;

    /// <inheritdoc />
    public string Description => "fine-tune all-MiniLM-L6-v2 with one adapter method on a real task: test accuracy, trainable parameters (counted and actual), time per step, peak memory";

    /// <inheritdoc />
    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("task", "polarity", "polarity (Pang & Lee sentences) or uncertainty (CoNLL-2010 Wikipedia)", "polarity", "uncertainty"),
        ParameterSpec.Text("method", LoraAdapterConfig.MethodName, "head, full, lora, prefix (P-Tuning v2) or ntk (NTK-Attention)", HeadOnlyConfig.MethodName, FullFineTuningConfig.MethodName, LoraAdapterConfig.MethodName, PrefixTuningAdapterConfig.MethodName, NtkAttentionAdapterConfig.MethodName),
        ParameterSpec.Int("rank", 8, "LoRA rank r (lora only)", 1, 384),
        ParameterSpec.Real("lora_alpha", 16, "LoRA alpha; the update is scaled by alpha / r (lora only)", 1e-6, 1e6),
        ParameterSpec.Int("prefix_length", 10, "P-Tuning v2 prefix length m (prefix only)", 1, 100_000),
        ParameterSpec.Text("feature", "elu1", "NTK-Attention feature map (ntk only): elu1 (r = d_h), taylor:G (even G, r = C(d_h + G, G)) or prf:R (positive random features, r = R)"),
        ParameterSpec.Int("ntk_rank", 0, "NTK-Attention rank s of Z = Z_A Z_B; 0 = full Z (ntk only)", 0, 100_000),
        ParameterSpec.Int("steps", 200, "optimizer steps", 1, 1_000_000),
        ParameterSpec.Int("batch", 16, "training batch size", 1, 4096),
        ParameterSpec.Int("max_length", 64, "maximum tokens per sentence, [CLS] and [SEP] included", 3, 512),
        ParameterSpec.Real("lr", 0, "peak AdamW learning rate; 0 = the method's default (experiments/configs/finetune/<method>.json)", 0, 10),
        ParameterSpec.Int("seed", 1, "training seed (adapter and head initialisation, batch order, dropout)", 0, int.MaxValue),
        ParameterSpec.Int("max_eval", 0, "evaluate at most this many validation and test sentences; 0 = all", 0, 1_000_000),
    ];

    /// <summary>Maps a feature name (elu1, taylor:G, prf:R) to (feature map, r for positive random features, Taylor degree).</summary>
    /// <param name="feature">The name.</param>
    public static (string FeatureMap, int? FeatureDimension, int TaylorDegree) ParseFeature(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        string[] parts = feature.Split(':');
        static int Number(string text, string feature) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0
                ? n
                : throw new ArgumentException($"feature '{feature}': '{text}' is not a whole number");
        return (parts[0], parts.Length) switch
        {
            ("elu1", 1) => (NtkAttentionAdapterConfig.Elu1, null, 2),
            ("taylor", 2) => (NtkAttentionAdapterConfig.Taylor, null, Number(parts[1], feature)),
            ("prf", 2) => (NtkAttentionAdapterConfig.PositiveRandom, Number(parts[1], feature), 2),
            _ => throw new ArgumentException($"unknown feature '{feature}' (expected elu1, taylor:G or prf:R)"),
        };
    }

    /// <summary>
    /// The fine-tuning configuration of a point: defaults.json, then the method's file, then the point's values. Throws
    /// <see cref="ArgumentException"/> for a setting that does not apply to the point's method (so that no two points of a
    /// grid train the same thing) and for an invalid combination.
    /// </summary>
    /// <param name="point">The point.</param>
    /// <param name="masterSeed">The sweep's master seed (the split seed).</param>
    public FineTuneConfig Resolve(SweepPoint point, long masterSeed)
    {
        ArgumentNullException.ThrowIfNull(point);
        string method = point.Text("method");
        RequireDefaultUnless(point, method == LoraAdapterConfig.MethodName, "rank", "lora_alpha");
        RequireDefaultUnless(point, method == PrefixTuningAdapterConfig.MethodName, "prefix_length");
        RequireDefaultUnless(point, method == NtkAttentionAdapterConfig.MethodName, "feature", "ntk_rank");
        if (masterSeed is < 0 or > int.MaxValue)
        {
            throw new ArgumentException($"the master seed {masterSeed} is used as the split seed and must lie in [0, {int.MaxValue}]");
        }

        var overrides = new JsonObject
        {
            ["task"] = point.Text("task"),
            ["method"] = method,
            ["seed"] = point.Int("seed"),
            ["split_seed"] = masterSeed,
            ["steps"] = point.Int("steps"),
            ["batch_size"] = point.Int("batch"),
            ["max_length"] = point.Int("max_length"),
            ["max_eval_examples"] = point.Int("max_eval"),
        };
        if (point.Real("lr") > 0)
        {
            overrides["learning_rate"] = point.Real("lr");
        }

        switch (method)
        {
            case LoraAdapterConfig.MethodName:
                overrides["lora_rank"] = point.Int("rank");
                overrides["lora_alpha"] = point.Real("lora_alpha");
                break;
            case PrefixTuningAdapterConfig.MethodName:
                overrides["prefix_length"] = point.Int("prefix_length");
                break;
            case NtkAttentionAdapterConfig.MethodName:
                var (map, dimension, degree) = ParseFeature(point.Text("feature"));
                overrides["ntk_feature_map"] = map;
                overrides["ntk_feature_dimension"] = dimension;
                overrides["ntk_taylor_degree"] = degree;
                overrides["ntk_rank"] = point.Int("ntk_rank") == 0 ? null : point.Int("ntk_rank");
                break;
        }

        // The same layering as 'ntkproofs finetune --config <method>.json' with the point's values as flags.
        string folder = methodConfigFolder ?? Path.Combine(RepositoryPaths.Root(), "experiments", "configs", "finetune");
        try
        {
            return FinetuneCommand.Resolve(new FileInfo(Path.Combine(folder, method + ".json")), overrides, rank: null);
        }
        catch (Exception e) when (e is InvalidDataException or CliInputException)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public JsonObject Run(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var config = Resolve(point, context.MasterSeed);
        var examples = loadExamples(config.TaskKind);
        string adapterDirectory = Path.Combine(Path.GetTempPath(), "ntkproofs-finetune-" + point.Key + "-" + Guid.NewGuid().ToString("N")[..8]);
        FineTuneResult result;
        try
        {
            result = FineTuneRunner.Run(config, adapterDirectory, examples: examples, encoder: encoder);
        }
        finally
        {
            if (Directory.Exists(adapterDirectory))
            {
                Directory.Delete(adapterDirectory, recursive: true);
            }
        }

        var adapterConfig = config.ToAdapterConfig();
        long countedAdapter = ParameterCounter.CountAdapter(adapterConfig, AttentionArchitecture.FromBert(encoder.Config, encoder.Name));
        long countedHead = ParameterCounter.CountHead(encoder.Config.HiddenSize, 2);
        const double MiB = 1024.0 * 1024.0;
        return new JsonObject
        {
            ["test_accuracy"] = result.Test.Accuracy,
            ["validation_accuracy"] = result.Validation.Accuracy,
            ["test_correct"] = result.Test.Correct,
            ["validation_correct"] = result.Validation.Correct,
            ["test_loss"] = result.Test.Loss,
            ["test_examples"] = result.Test.Count,
            ["validation_examples"] = result.Validation.Count,
            ["train_examples"] = result.TrainExamples,
            ["trainable_params"] = result.Trainable,
            ["total_params"] = result.Total,
            ["trainable_percent"] = 100.0 * result.Trainable / result.Total,
            ["counted_trainable_params"] = countedAdapter + countedHead,
            ["counted_adapter_params"] = countedAdapter,
            ["counted_head_params"] = countedHead,
            ["seconds_per_step_median"] = result.MedianStepSeconds,
            ["seconds_per_step_mean"] = result.MeanStepSeconds,
            ["first_step_seconds"] = result.Steps[0].Seconds,
            ["peak_rss_mib"] = result.PeakRssBytes / MiB,
            ["rss_before_training_mib"] = result.RssBeforeTrainingBytes / MiB,
            ["peak_rss_reset"] = result.PeakRssResetWorked,
            ["tensor_memory_mib"] = result.TensorMemory.TotalBytes / MiB,
            ["memory_measure"] = MemoryMeasure,
            ["final_train_loss"] = result.Steps.TakeLast(10).Average(s => s.Loss),
            ["first_train_loss"] = result.Steps[0].Loss,
            ["steps"] = result.Steps.Count,
            ["learning_rate"] = config.LearningRate,
            ["threads"] = TorchRuntime.Threads,
            ["total_seconds"] = result.TotalSeconds,
            ["base_model"] = encoder.Name,
            ["adapter_config"] = JsonNode.Parse(result.AdapterConfigJson),
        };
    }

    private void RequireDefaultUnless(SweepPoint point, bool applies, params string[] names)
    {
        if (applies)
        {
            return;
        }

        foreach (string name in names)
        {
            var spec = Parameters.First(p => p.Name == name);
            var value = point.ToJson()[name]!;
            if (!JsonNode.DeepEquals(value, spec.Validate(spec.Default, name)))
            {
                throw new ArgumentException($"'{name}' = {value.ToJsonString()} does not apply to method '{point.Text("method")}' (leave it at {spec.Default.ToJsonString()}, or set it in a bundle of the method axis)");
            }
        }
    }
}
