using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NtkProofs.Adapters;
using NtkProofs.Data;
using NtkProofs.Numerics;

namespace NtkProofs.FineTuning;

/// <summary>
/// Everything a fine-tuning run depends on (snake-case JSON; experiments/configs/finetune/defaults.json holds the
/// defaults and per-method files override them). The method and its settings are the nested <c>"adapter"</c> object
/// (<see cref="Adapter"/>, the same JSON as <c>adapter_config.json</c>); <see cref="ToAdapterConfig"/> completes it for the
/// training seed.
/// </summary>
public sealed record FineTuneConfig
{
    /// <summary>polarity, uncertainty or spam (<see cref="ClassificationTasks.Names"/>).</summary>
    public string Task { get; init; } = "polarity";

    /// <summary>
    /// The method and its settings, the nested <c>"adapter"</c> object in the same form as <c>adapter_config.json</c>
    /// (<c>{"method": "lora", "r": 8, ...}</c>; see <see cref="AdapterMethods"/> for the methods).
    /// </summary>
    [JsonPropertyName("adapter")]
    [JsonConverter(typeof(AdapterConfigJsonConverter))]
    public AdapterConfig Adapter { get; init; } = new LoraAdapterConfig();

    /// <summary>The method name (<see cref="Adapter"/>'s discriminator).</summary>
    [JsonIgnore]
    public string Method => Adapter.Method;

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

    /// <summary>Peak AdamW learning rate of the adapter (and of the encoder under full fine-tuning).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Peak AdamW learning rate of the classification head (JSON <c>head_lr</c>, flag <c>--head-lr</c>); null (the
    /// default) uses <see cref="LearningRate"/>, so a run without it trains as before the head had its own rate.
    /// </summary>
    [JsonPropertyName("head_lr")]
    public double? HeadLearningRate { get; init; }

    /// <summary>The head's peak learning rate in effect: <see cref="HeadLearningRate"/>, else <see cref="LearningRate"/>.</summary>
    [JsonIgnore]
    public double EffectiveHeadLearningRate => HeadLearningRate ?? LearningRate;

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

    /// <summary>
    /// Early stopping: evaluate validation accuracy every this many steps (and after the last) and finish at the best
    /// checkpoint (the first of equal accuracies); 0 (default) = train all <see cref="Steps"/> and evaluate once at the end.
    /// <see cref="Steps"/> stays the step cap and the length of the learning-rate schedule.
    /// </summary>
    public int EvalEvery { get; init; }

    /// <summary>With <see cref="EvalEvery"/> &gt; 0: stop after this many evaluations without a better validation accuracy; 0 = never stop before the cap.</summary>
    public int Patience { get; init; }

    /// <summary>Whether the test split is evaluated (once, at the selected checkpoint); false for learning-rate search runs, which must not see it.</summary>
    public bool EvaluateTest { get; init; } = true;

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
    /// The adapter configuration a run trains: <see cref="Adapter"/> completed by its method for the training seed (e.g.
    /// positive random features of NTK-Attention draw their matrix from <see cref="Seed"/> unless <c>feature_seed</c> is set).
    /// </summary>
    public AdapterConfig ToAdapterConfig() => AdapterMethods.For(Adapter).ForTraining(Adapter, Seed);

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
        Require(EvalEvery >= 0, $"eval every must be >= 0 (0 = only at the end), got {EvalEvery}");
        Require(Patience >= 0, $"patience must be >= 0 (0 = no early stop), got {Patience}");
        Require(Patience == 0 || EvalEvery > 0, "patience needs eval_every > 0 (early stopping evaluates validation during training)");
        Require(HeadLearningRate is null || (HeadLearningRate > 0 && double.IsFinite(HeadLearningRate.Value)), FormattableString.Invariant($"head learning rate must be a finite number > 0 (or null for the learning rate), got {HeadLearningRate}"));
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
                    throw new InvalidDataException($"{source}: unknown setting '{key}' (known: {string.Join(", ", merged.Select(p => p.Key))}){MovedHint(key)}");
                }

                merged[key] = key == AdapterKey ? MergeAdapter(merged[key]?.AsObject(), value, source) : value?.DeepClone();
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

    /// <summary>The JSON name of <see cref="Adapter"/>.</summary>
    public const string AdapterKey = "adapter";

    /// <summary>
    /// One layer's <c>"adapter"</c> object over the merged one: field by field when it names the same method (or none),
    /// replacing it when it names another method (whose fields then start from that method's defaults).
    /// </summary>
    private static JsonObject MergeAdapter(JsonObject? merged, JsonNode? layer, string source)
    {
        if (layer is not JsonObject fields)
        {
            throw new InvalidDataException($"{source}: \"{AdapterKey}\" must be a JSON object such as {{\"method\": \"lora\", \"r\": 8}}");
        }

        string? current = merged?["method"]?.GetValue<string>();
        string? named = fields["method"] is JsonValue v && v.TryGetValue(out string? m) ? m : null;
        var result = named is not null && named != current ? new JsonObject() : merged?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in fields)
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static string MovedHint(string key) =>
        key == "method" || key.StartsWith("lora_", StringComparison.Ordinal) || key.StartsWith("ntk_", StringComparison.Ordinal) || key.StartsWith("prefix_", StringComparison.Ordinal)
            ? $"; method settings live in the nested \"{AdapterKey}\" object, e.g. \"{AdapterKey}\": {{\"method\": \"lora\", \"r\": 8}} (names as in adapter_config.json)"
            : string.Empty;

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}
