using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>Linear probing: the encoder stays frozen, only the classification head trains.</summary>
public sealed record HeadOnlyConfig : AdapterConfig
{
    /// <summary>The discriminator value.</summary>
    public const string MethodName = "head";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Method => MethodName;

    /// <inheritdoc />
    public override AdapterConfig Validated() => this;
}
