using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// The released code's feature map phi(q) = ELU(q / d^{1/4}) + 1, r = d, evaluated without the cancellation of the
/// released form. Positive, cheap, and without any error guarantee:
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
        // ELU(x) + 1 = exp(min(x, 0)) + max(x, 0): x + 1 for x > 0 and exp(x) otherwise. Never (exp(x) - 1) + 1, which loses
        // every significant digit in float32 once x < -16 (the released code's form; see ReleasedReferenceAttention).
        var scaled = x * Math.Pow(InputDim, -0.25);
        return (scaled.clamp_max(0).exp_() + scaled.relu()).MoveToOuterDisposeScope();
    }
}
