using static TorchSharp.torch;

namespace NtkProofs.Model;

/// <summary>
/// Checks the admissibility conditions of THEORY.md Part A on inputs and targets, with errors that name the argument.
/// </summary>
public static class InputValidation
{
    /// <summary>How far a row norm may be from 1 and still count as a unit vector.</summary>
    public const double UnitNormTolerance = 1e-8;

    /// <summary>
    /// Two inputs with |&lt;x_i, x_j&gt;| above 1 - this value count as duplicates (or antipodal), for which H* is singular.
    /// </summary>
    public const double DistinctnessMargin = 1e-9;

    /// <summary>Requires a 2-D float64 matrix of finite values with the given number of columns.</summary>
    /// <param name="matrix">The tensor to check.</param>
    /// <param name="columns">Required column count, or -1 for any.</param>
    /// <param name="name">Argument name used in the error message.</param>
    public static void RequireFiniteMatrix(Tensor matrix, long columns, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.dim() != 2)
        {
            throw new ArgumentException($"{name} must be a 2-D matrix, got shape [{string.Join(", ", matrix.shape)}]", name);
        }

        if (matrix.dtype != ScalarType.Float64)
        {
            throw new ArgumentException($"{name} must be float64, got {matrix.dtype}", name);
        }

        if (columns >= 0 && matrix.shape[1] != columns)
        {
            throw new ArgumentException($"{name} must have {columns} columns, got shape [{string.Join(", ", matrix.shape)}] (dimension mismatch)", name);
        }

        if (matrix.shape[0] < 1)
        {
            throw new ArgumentException($"{name} must have at least one row", name);
        }

        using var finite = isfinite(matrix).all();
        if (!finite.item<bool>())
        {
            throw new ArgumentException($"{name} contains NaN or infinite values", name);
        }
    }

    /// <summary>
    /// Requires unit-norm, pairwise distinct, non-antipodal input rows of dimension <paramref name="inputDim"/>.
    /// </summary>
    /// <param name="x">n x d inputs.</param>
    /// <param name="inputDim">d.</param>
    /// <param name="name">Argument name used in the error message.</param>
    public static void RequireAdmissibleInputs(Tensor x, long inputDim, string name = "x")
    {
        RequireFiniteMatrix(x, inputDim, name);
        using var scope = NewDisposeScope();
        var norms = linalg.vector_norm(x, dims: [1]);
        double worst = (norms - 1.0).abs().max().item<double>();
        if (worst > UnitNormTolerance)
        {
            long row = (norms - 1.0).abs().argmax().item<long>();
            throw new ArgumentException(FormattableString.Invariant($"{name} rows must have unit norm; row {row} has norm {norms[row].item<double>():R}"), name);
        }

        long n = x.shape[0];
        if (n > 1)
        {
            var gram = x.mm(x.t()).abs() - eye(n, dtype: ScalarType.Float64, device: x.device) * 2.0;
            double maxOff = gram.max().item<double>();
            if (maxOff > 1 - DistinctnessMargin)
            {
                long flat = gram.argmax().item<long>();
                throw new ArgumentException($"{name} rows must be pairwise distinct and not antipodal; rows {flat / n} and {flat % n} coincide up to sign", name);
            }
        }
    }

    /// <summary>Requires an n x c float64 target matrix of finite values.</summary>
    /// <param name="y">Targets.</param>
    /// <param name="samples">n, the number of inputs.</param>
    /// <param name="outputDim">c.</param>
    /// <param name="name">Argument name used in the error message.</param>
    public static void RequireTargets(Tensor y, long samples, long outputDim, string name = "y")
    {
        RequireFiniteMatrix(y, outputDim, name);
        if (y.shape[0] != samples)
        {
            throw new ArgumentException($"{name} must have one row per input ({samples}), got {y.shape[0]} (dimension mismatch)", name);
        }
    }
}
