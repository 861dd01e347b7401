using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>Full fine-tuning: every encoder weight and the head train.</summary>
public sealed record FullFineTuningConfig : AdapterConfig
{
    /// <summary>The discriminator value.</summary>
    public const string MethodName = "full";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Method => MethodName;

    /// <inheritdoc />
    public override AdapterConfig Validated() => this;
}
