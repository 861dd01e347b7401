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
}
