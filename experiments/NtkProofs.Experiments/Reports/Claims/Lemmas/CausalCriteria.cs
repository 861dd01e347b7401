using NtkProofs.Lemmas;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>
/// The thresholds of C21 (L &gt; 1 causal queries, THEORY.md A.2) and the stylized half of C18, in one place. C21 reuses
/// Part A's criteria (<see cref="LemmaCriteria"/>) on the parts THEORY.md says carry over: the fluctuation part of L1 must
/// fall like m^-1/2 (Part A's slope band), the kernel drift like Part A's L2, and the loss must reach 1e-6 of its start.
/// </summary>
public static class CausalCriteria
{
    /// <summary>Lower end of the band for the log-log slope of the fluctuation part of ||H(0) - H*|| (Part A's L1(c) band).</summary>
    public const double FluctuationSlopeLow = LemmaCriteria.ConcentrationSlopeLow;

    /// <summary>Upper end of the fluctuation-slope band.</summary>
    public const double FluctuationSlopeHigh = LemmaCriteria.ConcentrationSlopeHigh;

    /// <summary>L2: the log-log slope of the mean relative kernel drift against m must be at most this (Part A's L2).</summary>
    public const double DriftSlopeMax = LemmaCriteria.StabilitySlopeMax;

    /// <summary>L3: every run at the largest m must reach this fraction of its starting loss within T (THEORY.md A.2: 1e-6).</summary>
    public const double ConvergenceTarget = LemmaCriteria.ConvergenceTarget;

    /// <summary>L1 verdicts need at least this many replicates per m.</summary>
    public const int MinReplicates = 4;

    /// <summary>L2 and L3 verdicts need at least this many trained replicates per m.</summary>
    public const int MinTrainedReplicates = 2;

    /// <summary>Verdicts need m_max / m_min at least this (six doublings, as Part A).</summary>
    public const int MinPrefixRange = LemmaCriteria.MinPrefixRange;

    /// <summary>The L values THEORY.md asks for.</summary>
    public static IReadOnlyList<int> QueryLengths { get; } = [1, 4, 16];

    /// <summary>C18 real half: the prefix lengths PAPER.md asks for.</summary>
    public static IReadOnlyList<int> RealPrefixLengths { get; } = [1, 10, 100, 1000];

    /// <summary>C18 real half: seeds needed per prefix length.</summary>
    public const int RealMinSeeds = 5;
}
