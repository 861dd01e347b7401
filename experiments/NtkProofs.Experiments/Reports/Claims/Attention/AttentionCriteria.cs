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

    /// <summary>The sweep of the trained setting (C8).</summary>
    public const string TrainedConfig = "trained";

    /// <summary>A trained Z, k approximates the prefix when its held-out relative error is at most this (C8).</summary>
    public const double TrainedErrorGood = 0.05;

    /// <summary>The best trained error at the largest m above this refutes C8 (at the paper's budget).</summary>
    public const double TrainedErrorBad = 0.1;

    /// <summary>The paper's Adam steps for Section 4.4 (C8's budget).</summary>
    public const long PaperSteps = 40_000;

    /// <summary>The paper's largest prefix length for Section 4.4, 2^18 (C8's budget).</summary>
    public const long PaperPrefixMax = 1L << 18;
}
