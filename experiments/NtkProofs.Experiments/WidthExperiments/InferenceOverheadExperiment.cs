using System.Diagnostics;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>
/// Claim C16: forward latency of the real encoder (all-MiniLM-L6-v2, frozen, eval mode, no gradients) with each adapter:
/// the base (head only, which is what a merged LoRA costs at inference), NTK-Attention per map and rank, P-Tuning v2 at
/// m = 10 and 100. Every variant gets <c>warmup</c> untimed forwards, then <c>repetitions</c> interleaved rounds (one
/// timed forward of each variant per round, the order rotated each round), so slow drift of the machine hits every
/// variant alike and ratios can be paired by round.
/// </summary>
public sealed class InferenceOverheadExperiment : TypedExperiment<InferenceResult>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "inference";

    private readonly EncoderSource encoder;
    private readonly Func<IReadOnlyList<string>> sentences;

    /// <summary>The real experiment: all-MiniLM-L6-v2 on polarity sentences.</summary>
    public InferenceOverheadExperiment()
        : this(EncoderSource.MiniLm, () => [.. PatternCorpus.Load(ClassificationTask.Polarity).Select(s => s.Text)])
    {
    }

    /// <summary>An experiment on another encoder and sentences (tests use a tiny encoder).</summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="sentences">Sentences to encode.</param>
    public InferenceOverheadExperiment(EncoderSource encoder, Func<IReadOnlyList<string>> sentences)
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        this.sentences = sentences ?? throw new ArgumentNullException(nameof(sentences));
    }

    /// <summary>The variants, base first.</summary>
    public static IReadOnlyList<(string Name, AdapterConfig Config)> Variants { get; } =
    [
        ("base", new HeadOnlyConfig()),
        ("ntk-elu1-full", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1)),
        ("ntk-elu1-s8", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Elu1, Rank: 8)),
        ("ntk-prf256-full", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 256)),
        ("ntk-prf256-s8", new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 256, Rank: 8)),
        ("prefix-m10", new PrefixTuningAdapterConfig(10)),
        ("prefix-m100", new PrefixTuningAdapterConfig(100)),
    ];

    /// <inheritdoc />
    /// <remarks>Models are built on the CPU (same initialisation everywhere) and moved; each timed forward ends with a device synchronize.</remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "forward latency of all-MiniLM-L6-v2 with each adapter (base = merged LoRA, NTK-Attention per map and rank, P-Tuning v2 m 10 / 100), interleaved repetitions";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("batch", 1, "sentences per forward", 1, 4096),
        ParameterSpec.Int("max_length", 64, "tokens per sentence (padded)", 3, 512),
        ParameterSpec.Int("warmup", 3, "untimed forwards per variant", 0, 1000),
        ParameterSpec.Int("repetitions", 10, "interleaved timed rounds", 2, 100_000),
    ];

    /// <inheritdoc />
    public override InferenceResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var placement = context.Placement;
        int batch = (int)point.Int("batch"), maxLength = (int)point.Int("max_length"), warmup = (int)point.Int("warmup"), repetitions = (int)point.Int("repetitions");
        var texts = sentences();
        if (texts.Count == 0)
        {
            throw new ArgumentException("no sentences to encode");
        }

        var tokenizer = encoder.LoadTokenizer();
        var chosen = Enumerable.Range(0, batch).Select(i => texts[i % texts.Count]).ToList();
        using var tokens = tokenizer.EncodeBatch(chosen, maxLength, placement.Device);
        var models = new List<AdaptedClassifier>();
        try
        {
            foreach (var (_, config) in Variants)
            {
                manual_seed(context.MasterSeed);
                var adapter = AdapterFactory.Create(config, encoder.Config);
                var model = new AdaptedClassifier(encoder.LoadModel(), adapter, numLabels: 2);
                model.to(placement.Device);
                model.eval();
                models.Add(model);
            }

            void Forward(AdaptedClassifier model)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                _ = model.forward(tokens.InputIds, tokens.AttentionMask).sum().item<float>();
            }

            foreach (var model in models)
            {
                for (int w = 0; w < warmup; w++)
                {
                    Forward(model);
                }
            }

            string before = LoadAverage();
            var seconds = models.Select(_ => new double[repetitions]).ToList();
            for (int rep = 0; rep < repetitions; rep++)
            {
                for (int j = 0; j < models.Count; j++)
                {
                    int v = (j + rep) % models.Count;
                    placement.Synchronize();
                    long start = Stopwatch.GetTimestamp();
                    Forward(models[v]);
                    placement.Synchronize();
                    seconds[v][rep] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            }

            string after = LoadAverage();
            var variants = Variants.Select((v, i) => new InferenceVariant(v.Name, v.Config.Method, models[i].Summary().Trainable, seconds[i])).ToList();
            return new InferenceResult(batch, maxLength, warmup, get_num_threads(), before, after, variants);
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
