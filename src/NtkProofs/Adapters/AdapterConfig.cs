using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>
/// The immutable configuration of one fine-tuning method, PEFT-style. Serialized to <c>adapter_config.json</c> with a
/// <c>"method"</c> discriminator (the names of <see cref="AdapterMethods"/>) by
/// <see cref="AdapterConfigJson"/>. A configuration carries no weights: <see cref="Counting.ParameterCounter"/> counts
/// its trainable parameters from it and an architecture alone.
/// </summary>
public abstract record AdapterConfig
{
    /// <summary>The method discriminator written to <c>adapter_config.json</c>.</summary>
    [JsonIgnore]
    public abstract string Method { get; }

    /// <summary>Returns this configuration after checking every field; throws <see cref="ArgumentException"/> naming the field.</summary>
    public abstract AdapterConfig Validated();
}
