using NtkProofs.Attention;

namespace NtkProofs.Adapters.Verification;

/// <summary>Theorem B on one layer and head of the probe: the bound and the measured max-abs gap.</summary>
/// <param name="Layer">Layer index.</param>
/// <param name="Head">Head index.</param>
/// <param name="Bound">beta, eps_g and the bound (over the probe's real query rows and the layer's prefix).</param>
/// <param name="Measured">max |NTK-Attn - PrefixAttn| over the head's real query rows, in float64.</param>
public readonly record struct PrefixBoundHead(int Layer, int Head, TheoremBBound Bound, double Measured);
