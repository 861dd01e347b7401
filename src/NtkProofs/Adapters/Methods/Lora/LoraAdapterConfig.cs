using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>
/// LoRA (Hu et al.): W x + (alpha / r) B A dropout(x) on the target projections, A Kaiming-uniform, B = 0 at init, so
/// the adapted model equals the base model until B moves.
/// </summary>
/// <param name="Rank">r, the rank of the update.</param>
/// <param name="Alpha">alpha; the update is scaled by alpha / r.</param>
/// <param name="Dropout">Dropout on the adapter's input (training only).</param>
/// <param name="Targets">Which projections to adapt (default W_Q and W_V, as in the LoRA paper).</param>
public sealed record LoraAdapterConfig(
    [property: JsonPropertyName("r")] int Rank = 8,
    [property: JsonPropertyName("lora_alpha")] double Alpha = 16,
    [property: JsonPropertyName("lora_dropout")] double Dropout = 0.1,
    [property: JsonPropertyName("target_modules")] LoraTargets Targets = LoraTargets.Query | LoraTargets.Value) : AdapterConfig
{
    /// <summary>The discriminator value.</summary>
    public const string MethodName = "lora";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Method => MethodName;

    /// <summary>alpha / r.</summary>
    [JsonIgnore]
    public double Scaling => Alpha / Rank;

    /// <inheritdoc />
    public override AdapterConfig Validated()
    {
        if (Rank < 1)
        {
            throw new ArgumentException($"LoRA rank must be >= 1, got {Rank}", nameof(Rank));
        }

        if (!(Alpha > 0) || !double.IsFinite(Alpha))
        {
            throw new ArgumentException(FormattableString.Invariant($"LoRA alpha must be a finite number > 0, got {Alpha}"), nameof(Alpha));
        }

        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout))
        {
            throw new ArgumentException(FormattableString.Invariant($"LoRA dropout must be in [0, 1), got {Dropout}"), nameof(Dropout));
        }

        if (Targets == LoraTargets.None)
        {
            throw new ArgumentException("LoRA needs at least one target projection", nameof(Targets));
        }

        return this;
    }
}
