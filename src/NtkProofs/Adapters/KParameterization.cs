using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>How NTK-Attention keeps its normalizer vector k non-negative (THEORY.md Part C).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KParameterization>))]
public enum KParameterization
{
    /// <summary>k = |kappa| with a small nonzero init (|.| initialized at exactly 0 never moves: zero gradient).</summary>
    Abs,

    /// <summary>k = softplus(kappa).</summary>
    Softplus,
}
