namespace NtkProofs.Statistics;

/// <summary>Outcome of a non-inferiority test of A against B.</summary>
public enum NonInferiorityOutcome
{
    /// <summary>CI lower bound of A - B above -margin: A is competitive with B.</summary>
    Competitive,

    /// <summary>CI upper bound of A - B below -margin: A is worse than B by more than the margin.</summary>
    Inferior,

    /// <summary>The CI straddles -margin: the data cannot decide.</summary>
    Inconclusive,
}

/// <summary>Non-inferiority and superiority decisions on a CI of a difference A - B, with a margin fixed in advance.</summary>
public static class NonInferiority
{
    /// <summary>Non-inferiority decision: competitive if Low &gt; -margin, inferior if High &lt; -margin, else inconclusive.</summary>
    /// <param name="difference">CI of A - B (points).</param>
    /// <param name="margin">Positive margin (points), fixed before looking at the data.</param>
    public static NonInferiorityOutcome Decide(ConfidenceInterval difference, double margin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(margin);
        if (difference.Low > -margin)
        {
            return NonInferiorityOutcome.Competitive;
        }

        return difference.High < -margin ? NonInferiorityOutcome.Inferior : NonInferiorityOutcome.Inconclusive;
    }

    /// <summary>Superiority, judged separately: the CI of A - B lies above 0.</summary>
    /// <param name="difference">CI of A - B (points).</param>
    public static bool Superior(ConfidenceInterval difference) => difference.Low > 0;
}
