using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// A feature vector in factored form: phi(x) = <see cref="Features"/> * exp(<see cref="LogScale"/>).
/// </summary>
/// <param name="Features">[..., r], entries of moderate magnitude.</param>
/// <param name="LogScale">[..., 1], a per-vector log scale (no gradient).</param>
public readonly record struct ScaledFeatures(Tensor Features, Tensor LogScale);
