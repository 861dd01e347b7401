using System.Text.Json.Nodes;
using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>
/// LoRA: layers x sum over targets of r (in + out); ChatGLM's fused query_key_value is hidden -> (heads + 2 kv heads) d_h.
/// </summary>
public sealed class LoraMethod : AdapterMethod<LoraAdapterConfig>
{
    /// <inheritdoc />
    public override string Name => LoraAdapterConfig.MethodName;

    /// <inheritdoc />
    public override string DisplayName => "LoRA";

    /// <inheritdoc />
    public override AdapterConfig DefaultConfig => new LoraAdapterConfig();

    /// <inheritdoc />
    public override string? RankField => "r";

    /// <inheritdoc />
    public override IReadOnlyList<AdapterSweepParameter> SweepParameters { get; } =
    [
        AdapterSweepParameter.Int("rank", 8, "LoRA rank r (lora only)", 1, 384),
        AdapterSweepParameter.Real("lora_alpha", 16, "LoRA alpha; the update is scaled by alpha / r (lora only)", 1e-6, 1e6),
    ];

    /// <inheritdoc />
    public override JsonObject SweepFields(Func<string, JsonNode> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new JsonObject { ["r"] = value("rank").DeepClone(), ["lora_alpha"] = value("lora_alpha").DeepClone() };
    }

    /// <inheritdoc />
    protected override AdapterModule Create(LoraAdapterConfig config, BertConfig baseConfig) => new LoraAdapter(config, baseConfig);

    /// <inheritdoc />
    protected override string Settings(LoraAdapterConfig config) => F($"r = {config.Rank}, alpha = {config.Alpha}");

    /// <inheritdoc />
    protected override long Count(LoraAdapterConfig config, AttentionArchitecture architecture)
    {
        long perLayer = 0;
        foreach (var (target, input, output) in Shapes(architecture))
        {
            if (config.Targets.HasFlag(target))
            {
                perLayer += (long)config.Rank * (input + output);
            }
        }

        return architecture.Layers * perLayer;
    }

    /// <summary>(in, out) of each LoRA-able projection.</summary>
    private static IEnumerable<(LoraTargets Target, long In, long Out)> Shapes(AttentionArchitecture a)
    {
        yield return (LoraTargets.Query, a.HiddenSize, a.QueryWidth);
        yield return (LoraTargets.Key, a.HiddenSize, a.KvWidth);
        yield return (LoraTargets.Value, a.HiddenSize, a.KvWidth);
        yield return (LoraTargets.QueryKeyValue, a.HiddenSize, a.QueryWidth + (2L * a.KvWidth));
        yield return (LoraTargets.Output, a.QueryWidth, a.HiddenSize);
    }
}
