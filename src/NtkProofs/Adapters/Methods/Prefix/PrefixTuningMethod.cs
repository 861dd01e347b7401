using System.Text.Json.Nodes;
using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>
/// P-Tuning v2: m x layers x 2 x kv width (kv heads x d_h); with the reparameterization MLP,
/// m D + D E + E + E (2 layers D) + 2 layers D, D the kv width.
/// </summary>
public sealed class PrefixTuningMethod : AdapterMethod<PrefixTuningAdapterConfig>
{
    /// <inheritdoc />
    public override string Name => PrefixTuningAdapterConfig.MethodName;

    /// <inheritdoc />
    public override string DisplayName => "P-Tuning v2";

    /// <inheritdoc />
    public override AdapterConfig DefaultConfig => new PrefixTuningAdapterConfig();

    /// <inheritdoc />
    public override IReadOnlyList<AdapterSweepParameter> SweepParameters { get; } =
    [
        AdapterSweepParameter.Int("prefix_length", 10, "P-Tuning v2 prefix length m (prefix only)", 1, 100_000),
    ];

    /// <inheritdoc />
    public override JsonObject SweepFields(Func<string, JsonNode> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new JsonObject { ["num_virtual_tokens"] = value("prefix_length").DeepClone() };
    }

    /// <inheritdoc />
    protected override AdapterModule Create(PrefixTuningAdapterConfig config, BertConfig baseConfig) => new PrefixTuningAdapter(config, baseConfig);

    /// <inheritdoc />
    protected override string Settings(PrefixTuningAdapterConfig config) =>
        F($"m = {config.NumVirtualTokens}") + (config.PrefixProjection ? F($", MLP E = {(config.EncoderHiddenSize > 0 ? config.EncoderHiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "D")}") : string.Empty);

    /// <inheritdoc />
    protected override long Count(PrefixTuningAdapterConfig config, AttentionArchitecture architecture)
    {
        long m = config.NumVirtualTokens, tokenDim = architecture.KvWidth, allLayers = 2L * architecture.Layers * tokenDim;
        if (!config.PrefixProjection)
        {
            return m * allLayers;
        }

        long e = config.EncoderWidth(architecture.KvWidth);
        return (m * tokenDim) + (tokenDim * e) + e + (e * allLayers) + allLayers;
    }
}
