using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Numerics;

namespace NtkProofs.FineTuning;

/// <summary>
/// Everything a fine-tuning run depends on (snake-case JSON; experiments/configs/finetune/defaults.json holds the
/// defaults and per-method files override them). <see cref="ToAdapterConfig"/> turns the method fields into the
/// <see cref="AdapterConfig"/> that goes to <c>adapter_config.json</c>.
/// </summary>
public sealed record FineTuneConfig
{
    /// <summary>polarity or uncertainty.</summary>
    public string Task { get; init; } = "polarity";

    /// <summary>head, full, lora, prefix or ntk.</summary>
    public string Method { get; init; } = LoraAdapterConfig.MethodName;

    /// <summary>Training seed (adapter and head initialisation, batch order, dropout).</summary>
    public int Seed { get; init; } = (int)(Seeds.Master % int.MaxValue);

    /// <summary>Seed of the stratified split, kept fixed so that every method and seed sees the same test set.</summary>
    public int SplitSeed { get; init; } = (int)(Seeds.Master % int.MaxValue);

    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Training batch size.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Evaluation batch size.</summary>
    public int EvalBatchSize { get; init; } = 64;

    /// <summary>Maximum tokens per example, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Fraction of the steps used for linear warm-up (then linear decay to 0).</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Validation fraction per class.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Test fraction per class.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>If > 0, evaluate at most this many validation and test examples (quick runs); 0 = all.</summary>
    public int MaxEvalExamples { get; init; }

    /// <summary>LoRA rank r.</summary>
    public int LoraRank { get; init; } = 8;

    /// <summary>LoRA alpha.</summary>
    public double LoraAlpha { get; init; } = 16;

    /// <summary>LoRA dropout.</summary>
    public double LoraDropout { get; init; } = 0.1;

    /// <summary>Prefix length m.</summary>
    public int PrefixLength { get; init; } = 10;

    /// <summary>Whether prefix tuning uses the reparameterization MLP.</summary>
    public bool PrefixProjection { get; init; }

    /// <summary>Width of the reparameterization MLP (0 = model width).</summary>
    public int PrefixHiddenSize { get; init; }

    /// <summary>NTK-Attention feature map.</summary>
    public string NtkFeatureMap { get; init; } = NtkAttentionAdapterConfig.Elu1;

    /// <summary>NTK-Attention rank s of Z (null = full Z).</summary>
    public int? NtkRank { get; init; }

    /// <summary>NTK-Attention Taylor degree g (taylor only; even).</summary>
    public int NtkTaylorDegree { get; init; } = 2;

    /// <summary>NTK-Attention feature dimension r (positive_random only).</summary>
    public int? NtkFeatureDimension { get; init; }

    /// <summary>NTK-Attention k parameterization.</summary>
    public KParameterization NtkKParameterization { get; init; } = KParameterization.Abs;

    /// <summary>TorchSharp intra-op threads (0 = one per core).</summary>
    public int Threads { get; init; }

    /// <summary>Serializer options (snake case, strict).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The task as an enum.</summary>
    [JsonIgnore]
    public ClassificationTask TaskKind => ClassificationTasks.Parse(Task);

    /// <summary>
    /// The adapter configuration of <see cref="Method"/>. Positive random features of NTK-Attention draw their matrix from the
    /// training seed (<see cref="NtkAttentionAdapterConfig.FeatureSeed"/> = <see cref="Seed"/>).
    /// </summary>
    public AdapterConfig ToAdapterConfig() => (Method switch
    {
        HeadOnlyConfig.MethodName => new HeadOnlyConfig(),
        FullFineTuningConfig.MethodName => new FullFineTuningConfig(),
        LoraAdapterConfig.MethodName => new LoraAdapterConfig(LoraRank, LoraAlpha, LoraDropout),
        PrefixTuningAdapterConfig.MethodName => new PrefixTuningAdapterConfig(PrefixLength, PrefixProjection, PrefixHiddenSize),
        NtkAttentionAdapterConfig.MethodName => (AdapterConfig)new NtkAttentionAdapterConfig(NtkFeatureMap, NtkFeatureDimension, NtkTaylorDegree, NtkRank, KParameterization: NtkKParameterization,
            FeatureSeed: NtkFeatureMap == NtkAttentionAdapterConfig.PositiveRandom ? Seed : null),
        _ => throw new ArgumentException($"unknown method '{Method}' (expected head, full, lora, prefix or ntk)", nameof(Method)),
    }).Validated();

    /// <summary>Returns this configuration after checking every field; throws <see cref="ArgumentException"/>.</summary>
    public FineTuneConfig Validated()
    {
        _ = TaskKind;
        _ = ToAdapterConfig();
        Require(Steps >= 1, $"steps must be >= 1, got {Steps}");
        Require(BatchSize >= 1, $"batch size must be >= 1, got {BatchSize}");
        Require(EvalBatchSize >= 1, $"eval batch size must be >= 1, got {EvalBatchSize}");
        Require(MaxLength is >= 3 and <= 512, $"max length must be in [3, 512], got {MaxLength}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), FormattableString.Invariant($"learning rate must be a finite number > 0, got {LearningRate}"));
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), FormattableString.Invariant($"weight decay must be finite and >= 0, got {WeightDecay}"));
        Require(WarmupFraction is >= 0 and < 1, FormattableString.Invariant($"warm-up fraction must be in [0, 1), got {WarmupFraction}"));
        Require(ValidationFraction > 0 && TestFraction > 0 && ValidationFraction + TestFraction < 1, FormattableString.Invariant($"validation and test fractions must be > 0 and sum to < 1, got {ValidationFraction} and {TestFraction}"));
        Require(MaxEvalExamples >= 0, $"max eval examples must be >= 0, got {MaxEvalExamples}");
        Require(Threads >= 0, $"threads must be >= 0, got {Threads}");
        Require(Method != NtkAttentionAdapterConfig.MethodName || NtkKParameterization != KParameterization.Signed, "ntk_k_parameterization 'signed' is for adapters built from a prefix, not for training: a trained k must stay >= 0 (abs or softplus)");
        return this;
    }

    /// <summary>Serializes to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// Layers JSON objects over the built-in defaults (later layers win, field by field) and validates the result.
    /// Unknown fields and wrong types throw <see cref="InvalidDataException"/> naming the source.
    /// </summary>
    /// <param name="layers">(source name, JSON object text) pairs, in order.</param>
    public static FineTuneConfig Merge(IEnumerable<(string Source, string Json)> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var merged = JsonNode.Parse(new FineTuneConfig().ToJson())!.AsObject();
        foreach (var (source, json) in layers)
        {
            JsonObject layer;
            try
            {
                layer = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"{source}: expected a JSON object");
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{source}: not a JSON object ({e.Message})", e);
            }

            foreach (var (key, value) in layer)
            {
                if (key.StartsWith('_'))
                {
                    continue; // comments such as "_comment"
                }

                if (!merged.ContainsKey(key))
                {
                    throw new InvalidDataException($"{source}: unknown setting '{key}' (known: {string.Join(", ", merged.Select(p => p.Key))})");
                }

                merged[key] = value?.DeepClone();
            }
        }

        try
        {
            return (merged.Deserialize<FineTuneConfig>(JsonOptions) ?? throw new InvalidDataException("empty configuration")).Validated();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid fine-tuning configuration ({e.Message})", e);
        }
    }

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}
