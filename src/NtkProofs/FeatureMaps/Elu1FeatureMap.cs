using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// The released code's feature map phi(q) = ELU(q / d^{1/4}) + 1, r = d. Positive, cheap, and without any error guarantee:
/// &lt;phi(q), phi(kappa)&gt; is not an estimate of exp(&lt;q, kappa&gt; / sqrt d).
/// </summary>
public sealed class Elu1FeatureMap : IFeatureMap
{
    /// <summary>Creates the map for vectors of dimension <paramref name="inputDim"/>.</summary>
    /// <param name="inputDim">d &gt;= 1.</param>
    public Elu1FeatureMap(int inputDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        InputDim = inputDim;
    }

    /// <inheritdoc />
    public int InputDim { get; }

    /// <inheritdoc />
    public long R => InputDim;

    /// <inheritdoc />
    public string Name => "elu1";

    /// <inheritdoc />
    public bool IsNonNegative => true;

    /// <inheritdoc />
    public Tensor Apply(Tensor x)
    {
        FeatureMapChecks.RequireInput(x, InputDim, Name);
        using var scope = NewDisposeScope();
        return (nn.functional.elu(x * Math.Pow(InputDim, -0.25), 1.0) + 1.0).MoveToOuterDisposeScope();
    }
}
