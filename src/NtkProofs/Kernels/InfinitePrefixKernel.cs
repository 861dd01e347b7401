using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Kernels;

/// <summary>
/// The closed-form infinite-prefix kernel H* = lim_{m -&gt; inf} H(theta(0)) for Gaussian prefix rows (THEORY.md Part A).
/// With g_ij = &lt;x_i, x_j&gt; and k_ij = exp(sigma^2 g_ij):
/// FixedValue: delta_ll' g k; SeparateValue: delta_ll' (1 + g) k;
/// TiedValue: the d x d block k [(1 + sigma^2 g) I + (2 sigma^2 + sigma^4 g) x_j x_i^T].
/// </summary>
public static class InfinitePrefixKernel
{
    /// <summary>Computes H* for the given value path, in the same (sample, output) ordering as <see cref="EmpiricalKernel"/>.</summary>
    /// <param name="valuePath">Value path.</param>
    /// <param name="x">n x d unit-norm inputs.</param>
    /// <param name="sigma">Prefix init scale (&gt; 0).</param>
    /// <param name="outputDim">c for the fixed and separate paths; ignored (c = d) on the tied path.</param>
    public static Tensor Compute(ValuePath valuePath, Tensor x, double sigma, int outputDim = 1)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be a finite number > 0");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);
        InputValidation.RequireFiniteMatrix(x, -1, nameof(x));
        using var scope = NewDisposeScope();
        long n = x.shape[0], d = x.shape[1];
        double s2 = sigma * sigma;
        var g = x.mm(x.t());
        var k = (g * s2).exp();
        Tensor result = valuePath switch
        {
            ValuePath.FixedValue => kron(g * k, eye(outputDim, dtype: ScalarType.Float64, device: k.device)),
            ValuePath.SeparateValue => kron((g + 1.0) * k, eye(outputDim, dtype: ScalarType.Float64, device: k.device)),
            ValuePath.TiedValue => Tied(x, g, k, s2, n, d),
            _ => throw new ArgumentOutOfRangeException(nameof(valuePath), valuePath, "unknown value path"),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The output dimension c of H* for the given path and input dimension.</summary>
    /// <param name="valuePath">Value path.</param>
    /// <param name="inputDim">d.</param>
    /// <param name="outputDim">c for the fixed and separate paths.</param>
    public static int OutputDimension(ValuePath valuePath, int inputDim, int outputDim) =>
        valuePath == ValuePath.TiedValue ? inputDim : outputDim;

    private static Tensor Tied(Tensor x, Tensor g, Tensor k, double s2, long n, long d)
    {
        var identityPart = kron(k * (g * s2 + 1.0), eye(d, dtype: ScalarType.Float64, device: k.device));
        var outer = k * (g * (s2 * s2) + 2.0 * s2);                                       // n x n
        // [i, l, j, l'] = outer_ij x_jl x_il'
        var rankOne = outer.unsqueeze(1).unsqueeze(3) * x.t().unsqueeze(0).unsqueeze(3) * x.unsqueeze(1).unsqueeze(2);
        return identityPart + rankOne.reshape(n * d, n * d);
    }
}
