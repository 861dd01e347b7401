using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>How NTK-Attention keeps its normalizer vector k non-negative (THEORY.md Part C), or, for a prefix-built state, does not constrain it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KParameterization>))]
public enum KParameterization
{
    /// <summary>k = |kappa| with a small nonzero init (|.| initialized at exactly 0 never moves: zero gradient).</summary>
    Abs,

    /// <summary>k = softplus(kappa).</summary>
    Softplus,

    /// <summary>
    /// k = kappa, unconstrained: only for a state computed in closed form from a prefix (<see cref="NtkPrefixAdapter"/>). Taylor
    /// features have signed coordinates, so k(P) = sum_i phi(kappa_i) has signed entries, while phi(q) k(P) = sum_i
    /// T_g(&lt;q, kappa_i&gt; / sqrt d) &gt; 0 for even g. Training refuses it (<c>FineTuneConfig</c>): a trained k must stay &gt;= 0.
    /// </summary>
    Signed,
}
