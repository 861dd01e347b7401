using System.Globalization;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>"What would decide" an undecided paired non-inferiority comparison (C9, C10, C19, C20).</summary>
public static class PairedDecider
{
    /// <summary>
    /// The decider of <paramref name="label"/>'s undecided comparison: with fewer paired seeds than the rules need, the
    /// seeds to run; otherwise the seeds at which the CI would clear the margin if the estimate stayed where it is
    /// (<see cref="PairedComparison.SeedsToDecide"/>), or, where no number of seeds would, that the estimate lies within the
    /// test-set floor of the margin.
    /// </summary>
    /// <param name="label">The comparison's label.</param>
    /// <param name="p">The comparison.</param>
    /// <param name="margin">The non-inferiority margin (points).</param>
    public static string Text(string label, PairedComparison p, double margin)
    {
        ArgumentNullException.ThrowIfNull(p);
        var inv = CultureInfo.InvariantCulture;
        if (p.Seeds < FineTuningCriteria.TargetSeeds)
        {
            return string.Create(inv, $"{label}: needs >= {FineTuningCriteria.TargetSeeds} seeds: projected 95% CI half-width {p.ProjectedHalfWidth(FineTuningCriteria.TargetSeeds):F1} points (now {p.Seeds} seed(s), half-width {p.Difference.HalfWidth:F1})");
        }

        double gap = Math.Abs(p.Difference.Estimate + margin);
        return p.SeedsToDecide(margin) is { } k
            ? string.Create(inv, $"{label}: about {k} seeds would decide if the difference stayed at {p.Difference.Estimate:+0.0;-0.0;0.0} ({gap:F1} points from the -{margin:G} margin; projected half-width {p.ProjectedHalfWidth(k):F1} at {k} seeds; now {p.Seeds} seeds, half-width {p.Difference.HalfWidth:F1})")
            : string.Create(inv, $"{label}: the difference {p.Difference.Estimate:+0.0;-0.0;0.0} lies {gap:F1} points from the -{margin:G} margin, within the test-set floor +-{1.96 * p.TestStandardError:F1} of {p.Examples} shared test examples: more seeds cannot decide (a larger test set or a smaller true gap to the margin would)");
    }
}
