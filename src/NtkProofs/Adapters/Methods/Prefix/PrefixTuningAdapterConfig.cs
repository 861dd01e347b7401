using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>
/// Prefix tuning / P-Tuning v2: every layer gets m learned key and value vectors per head, prepended to the layer's
/// keys and values and visible to every query (the padding mask is extended with ones). With
/// <see cref="PrefixProjection"/> the prefixes are produced by PEFT's <c>PrefixEncoder</c> reparameterization,
/// embedding(m, D) -> Linear(D, E) -> tanh -> Linear(E, layers x 2 x D); otherwise they are an embedding table of width
/// layers x 2 x D.
/// </summary>
/// <param name="NumVirtualTokens">m, the prefix length (0 is allowed and is the identity).</param>
/// <param name="PrefixProjection">Whether to reparameterize through the two-layer tanh MLP.</param>
/// <param name="EncoderHiddenSize">E, the MLP width; 0 means the model width D.</param>
public sealed record PrefixTuningAdapterConfig(
    [property: JsonPropertyName("num_virtual_tokens")] int NumVirtualTokens = 10,
    [property: JsonPropertyName("prefix_projection")] bool PrefixProjection = false,
    [property: JsonPropertyName("encoder_hidden_size")] int EncoderHiddenSize = 0) : AdapterConfig
{
    /// <summary>The discriminator value.</summary>
    public const string MethodName = "prefix";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Method => MethodName;

    /// <summary>E for a model of width <paramref name="tokenDim"/>.</summary>
    /// <param name="tokenDim">The per-token key/value width.</param>
    public int EncoderWidth(int tokenDim) => EncoderHiddenSize > 0 ? EncoderHiddenSize : tokenDim;

    /// <inheritdoc />
    public override AdapterConfig Validated()
    {
        if (NumVirtualTokens < 0)
        {
            throw new ArgumentException($"prefix length must be >= 0, got {NumVirtualTokens}", nameof(NumVirtualTokens));
        }

        if (EncoderHiddenSize < 0)
        {
            throw new ArgumentException($"encoder hidden size must be >= 0 (0 = model width), got {EncoderHiddenSize}", nameof(EncoderHiddenSize));
        }

        return this;
    }
}
