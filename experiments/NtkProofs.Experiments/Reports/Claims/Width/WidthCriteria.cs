namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>
/// The thresholds of the width and reviewer rows C13-C17 (PAPER.md, issue 9), in one place. Each rule reads its
/// constants from here; tests reach every verdict by placing synthetic evidence on either side of them.
/// </summary>
public static class WidthCriteria
{
    /// <summary>C14: the prefix length at or below which full Z must cost no more than P-Tuning v2 for "supported".</summary>
    public const int C14SupportedPrefixLength = 100;

    /// <summary>C14: the prefix length above whose P-Tuning v2 count a full Z on some model means "not supported".</summary>
    public const int C14RefutedPrefixLength = 1000;

    /// <summary>C16: the largest relative latency overhead of NTK-Attention over the base (= merged LoRA) for "supported".</summary>
    public const double C16SupportedOverhead = 0.10;

    /// <summary>C16: the relative overhead above which the claim is "not supported".</summary>
    public const double C16RefutedOverhead = 0.50;

    /// <summary>C17: the largest trained relative error (at every m) for "supported".</summary>
    public const double C17SupportedError = 0.05;

    /// <summary>C17: the trained relative error above which (at some m) the claim is "not supported".</summary>
    public const double C17RefutedError = 0.20;

    /// <summary>C15: the largest crossover m* of elu1 and prf at every width for "supported".</summary>
    public const double C15SupportedCrossover = 200;

    /// <summary>C15: the crossover m* above which, for every map, the claim is "not supported".</summary>
    public const double C15RefutedCrossover = 1000;

    /// <summary>C15: timings taken while the 1-minute load average exceeded this many times the cores are too noisy to decide.</summary>
    public const double C15MaxLoadPerCore = 2.0;

    /// <summary>C13: the largest even Taylor degree the median head may need at eps = 0.1 for "supported".</summary>
    public const int C13SupportedDegree = 2;

    /// <summary>C13: the even Taylor degree at or above which the median head's need means "not supported".</summary>
    public const int C13RefutedDegree = 6;
}
