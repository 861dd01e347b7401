using NtkProofs.Model;
using NtkProofs.Numerics;

namespace NtkProofs.Lemmas;

/// <summary>
/// The pass criteria of THEORY.md Part A, in one place, shared by the property tests, the CLI and the report.
/// </summary>
public static class LemmaCriteria
{
    /// <summary>L1(c): the fitted concentration slope must lie in this band (THEORY.md: [-0.65, -0.35]).</summary>
    public const double ConcentrationSlopeLow = -0.65;

    /// <summary>Upper end of the L1(c) band.</summary>
    public const double ConcentrationSlopeHigh = -0.35;

    /// <summary>L2: fitted slopes of drift and prefix movement against m must be at most this (THEORY.md: -0.3).</summary>
    public const double StabilitySlopeMax = -0.3;

    /// <summary>L1(d): the failure probability delta.</summary>
    public const double Delta = 0.05;

    /// <summary>
    /// The smallest m of the concentration-slope fit window for a given sigma (THEORY.md: from 2^6 at sigma = 0.5, only
    /// from 2^10 at sigma = 1 where the log-normal weights are pre-asymptotic below that).
    /// </summary>
    /// <param name="sigma">Prefix init scale.</param>
    public static int ConcentrationFitStart(double sigma) => sigma <= 0.5 ? 1 << 6 : 1 << 10;

    /// <summary>L1(a): lambda_min(H(0)) must be at least minus this (the rounding level of an (n c)-dimensional kernel).</summary>
    /// <param name="dimension">n c.</param>
    /// <param name="lambdaMax">The kernel's largest eigenvalue.</param>
    public static double PsdTolerance(long dimension, double lambdaMax) => new EigenSpectrum(0, lambdaMax).RoundingLevel(dimension) * 16;

    /// <summary>Whether L2's vanishing-drift prediction applies to this value path (it does not for TiedValue).</summary>
    /// <param name="path">Value path.</param>
    public static bool DriftShouldVanish(ValuePath path) => path != ValuePath.TiedValue;
}
