namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>The thresholds of the NTK-Attention claims (THEORY.md Part B), in one place.</summary>
public static class AttentionCriteria
{
    /// <summary>Identity errors above this (relative, float64) fail I1-I4 (C5).</summary>
    public static double IdentityTolerance => NtkProofs.Numerics.Tolerance.Identity64.Relative;

    /// <summary>The sweep of the identities I1-I4 (C5).</summary>
    public const string IdentitiesConfig = "identities";

    /// <summary>The sweep of Theorem B's bound (C5).</summary>
    public const string TheoremBConfig = "theoremb";

    /// <summary>The sweep of the corollary (C6).</summary>
    public const string CorollaryConfig = "corollary";

    /// <summary>A fixed-g error slope in m at most this (95% CI upper bound) counts as polynomial decay (C6).</summary>
    public const double DecaySlopeMax = -0.4;

    /// <summary>A fixed-g error slope in m above this (95% CI lower bound) counts as flat (C6).</summary>
    public const double FlatSlopeMin = -0.2;

    /// <summary>g(m) meets the rate m^-c when its slope is at most this fraction of -c (C6).</summary>
    public const double AdaptiveSlopeFraction = 0.8;
}
