using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Numerics;

/// <summary>Extreme eigenvalues of a symmetric matrix and the derived condition number.</summary>
/// <param name="LambdaMin">Smallest eigenvalue.</param>
/// <param name="LambdaMax">Largest eigenvalue.</param>
public readonly record struct EigenSpectrum(double LambdaMin, double LambdaMax)
{
    /// <summary>lambda_max / lambda_min, or +infinity when lambda_min is not positive.</summary>
    public double ConditionNumber => LambdaMin > 0 ? LambdaMax / LambdaMin : double.PositiveInfinity;

    /// <summary>
    /// The rounding level of the spectrum: eigenvalues within this distance of zero cannot be told apart from zero
    /// in float64 (a few ulps of lambda_max times the dimension).
    /// </summary>
    /// <param name="dimension">The matrix dimension.</param>
    public double RoundingLevel(long dimension) => 4.0 * dimension * MachineEpsilon * Math.Abs(LambdaMax);

    /// <summary>The float64 machine epsilon, 2^-52.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Computes the spectrum of a symmetric matrix with <c>torch.linalg.eigvalsh</c>. The matrix is symmetrized first
    /// (its asymmetry is reported by <see cref="Asymmetry"/>).
    /// </summary>
    /// <param name="symmetric">A square float64 matrix.</param>
    public static EigenSpectrum Of(Tensor symmetric)
    {
        ArgumentNullException.ThrowIfNull(symmetric);
        RequireSquare(symmetric, nameof(symmetric));
        using var scope = NewDisposeScope();
        var eig = linalg.eigvalsh(0.5 * (symmetric + symmetric.mT));
        return new EigenSpectrum(eig[0].item<double>(), eig[-1].item<double>());
    }

    /// <summary>All eigenvalues of a symmetric matrix in ascending order.</summary>
    /// <param name="symmetric">A square float64 matrix.</param>
    public static double[] Eigenvalues(Tensor symmetric)
    {
        ArgumentNullException.ThrowIfNull(symmetric);
        RequireSquare(symmetric, nameof(symmetric));
        using var scope = NewDisposeScope();
        return linalg.eigvalsh(0.5 * (symmetric + symmetric.mT)).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>||A - A^T||_F / ||A||_F: zero for an exactly symmetric matrix.</summary>
    /// <param name="matrix">A square matrix.</param>
    public static double Asymmetry(Tensor matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        RequireSquare(matrix, nameof(matrix));
        using var scope = NewDisposeScope();
        double norm = linalg.norm(matrix).item<double>();
        return norm == 0 ? 0 : linalg.norm(matrix - matrix.mT).item<double>() / norm;
    }

    private static void RequireSquare(Tensor t, string name)
    {
        if (t.dim() != 2 || t.shape[0] != t.shape[1])
        {
            throw new ArgumentException($"{name} must be a square matrix, got shape [{string.Join(", ", t.shape)}]", name);
        }
    }
}
