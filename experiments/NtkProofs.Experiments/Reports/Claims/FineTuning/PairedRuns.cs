using NtkProofs.Experiments.FineTuning;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>Pairs the seeds of two fine-tuning configurations on the same test set and compares them.</summary>
public static class PairedRuns
{
    /// <summary>
    /// The paired comparison of A against B over the seeds both ran with stored per-example test correctness of equal
    /// length, or null when no seed pairs.
    /// </summary>
    /// <param name="a">Runs (seeds) of configuration A.</param>
    /// <param name="b">Runs (seeds) of configuration B.</param>
    public static PairedComparison? Compare(IEnumerable<FinetuneRun> a, IEnumerable<FinetuneRun> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var bySeed = b.Where(r => r.TestCorrect.Length > 0).GroupBy(r => r.Seed).ToDictionary(g => g.Key, g => g.First());
        var pairs = a.Where(r => r.TestCorrect.Length > 0 && bySeed.TryGetValue(r.Seed, out var o) && o.TestCorrect.Length == r.TestCorrect.Length)
            .DistinctBy(r => r.Seed).OrderBy(r => r.Seed).Select(r => (A: r, B: bySeed[r.Seed])).ToList();
        if (pairs.Count == 0)
        {
            return null;
        }

        return PairedComparison.Compare(
            [.. pairs.Select(p => (IReadOnlyList<bool>)Correctness.Decode(p.A.TestCorrect))],
            [.. pairs.Select(p => (IReadOnlyList<bool>)Correctness.Decode(p.B.TestCorrect))]);
    }
}
