using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// A feature map phi: R^d -&gt; R^r used by NTK-Attention (THEORY.md Part B), so that &lt;phi(q), phi(kappa)&gt; stands in for
/// exp(&lt;q, kappa&gt; / sqrt d). Implementations are immutable managed objects (no native tensors are held), so one instance
/// may be shared by any number of layers, heads and threads.
/// </summary>
public interface IFeatureMap
{
    /// <summary>d, the dimension of the vectors the map accepts (the head dimension d_h).</summary>
    int InputDim { get; }

    /// <summary>r, the number of features.</summary>
    long R { get; }

    /// <summary>The map's CLI spelling, for example <c>taylor:4</c>, <c>elu1</c> or <c>prf:256</c>.</summary>
    string Name { get; }

    /// <summary>True when every feature is &gt;= 0 for every input, so that phi(q) k &gt; 0 whenever k &gt; 0.</summary>
    bool IsNonNegative { get; }

    /// <summary>phi applied to the last dimension: [..., d] -&gt; [..., r], in the input's dtype and on its device.</summary>
    /// <param name="x">Vectors of dimension <see cref="InputDim"/> in the last axis.</param>
    Tensor Apply(Tensor x);

    /// <summary>
    /// phi in factored form, phi(x) = Features * exp(LogScale), with Features of moderate magnitude, so that callers can
    /// work with exp(LogScale - c) instead of values that overflow (THEORY.md, "Numerical stability"). The default is the
    /// unscaled map with LogScale = 0. LogScale carries no gradient; Features does.
    /// </summary>
    /// <param name="x">Vectors of dimension <see cref="InputDim"/> in the last axis.</param>
    ScaledFeatures ApplyScaled(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var features = Apply(x);
        return new ScaledFeatures(features, zeros([.. x.shape[..^1], 1], x.dtype, x.device));
    }
}
