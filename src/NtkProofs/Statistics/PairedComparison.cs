namespace NtkProofs.Statistics;

/// <summary>
/// Accuracy difference (A minus B, in accuracy points, i.e. percent) of two methods on a shared test set, paired by
/// seed and test example.
/// </summary>
/// <param name="Difference">Mean over seeds of acc(A) - acc(B) in points, with a 95% paired-bootstrap CI.</param>
/// <param name="Seeds">Number of paired seeds.</param>
/// <param name="Examples">Test examples per seed.</param>
/// <param name="McNemarP">Exact McNemar p-value per seed (seed order).</param>
/// <param name="AccuracyA">Mean accuracy of A in points.</param>
/// <param name="AccuracyB">Mean accuracy of B in points.</param>
public sealed record PairedComparison(ConfidenceInterval Difference, int Seeds, int Examples, IReadOnlyList<double> McNemarP, double AccuracyA, double AccuracyB)
{
    /// <summary>
    /// Compares two methods: <paramref name="a"/>[s] and <paramref name="b"/>[s] are the per-example correctness of the
    /// two methods at seed s on the same examples in the same order. The per-example differences d[s, i] in {-1, 0, 1}
    /// form a crossed seeds x test-examples design (every seed is evaluated on the same examples, so an example that is
    /// hard for one seed is hard for all of them), and the CI is the method-of-moments interval of its grand mean
    /// (<see cref="CrossedVariance"/>: seed, example and residual variance components from the two-way mean squares,
    /// Student t with Satterthwaite's degrees of freedom). A bootstrap that redraws examples within each seed would average
    /// the shared example variance away (too narrow); one that redraws seeds and a shared example set counts the residual
    /// three times (too wide); the moment interval is unbiased in variance and pure in the data.
    /// </summary>
    /// <param name="a">Correctness of A per seed.</param>
    /// <param name="b">Correctness of B per seed (same seeds, same order).</param>
    /// <param name="level">Confidence level.</param>
    public static PairedComparison Compare(IReadOnlyList<IReadOnlyList<bool>> a, IReadOnlyList<IReadOnlyList<bool>> b, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || a.Count != b.Count)
        {
            throw new ArgumentException($"need the same positive number of seeds for both methods (got {a.Count} and {b.Count})", nameof(b));
        }

        int n = a[0].Count;
        for (int s = 0; s < a.Count; s++)
        {
            if (a[s].Count != n || b[s].Count != n || n == 0)
            {
                throw new ArgumentException($"seed {s}: {a[s].Count} vs {b[s].Count} examples (expected {n} > 0 for both): not paired", nameof(b));
            }
        }

        // Per-seed per-example difference d in {-1, 0, 1}.
        var diffs = new int[a.Count][];
        for (int s = 0; s < a.Count; s++)
        {
            diffs[s] = new int[n];
            for (int i = 0; i < n; i++)
            {
                diffs[s][i] = (a[s][i] ? 1 : 0) - (b[s][i] ? 1 : 0);
            }
        }

        var p = Enumerable.Range(0, a.Count).Select(s => McNemar.ExactP(a[s], b[s])).ToList();
        double accA = 100.0 * a.Average(x => x.Count(c => c) / (double)n);
        double accB = 100.0 * b.Average(x => x.Count(c => c) / (double)n);
        var v = CrossedVariance.Of(diffs);
        var ci = v.Interval(level);
        return new PairedComparison(ci, a.Count, n, p, accA, accB) { SeedStandardDeviation = v.SeedStandardDeviation, TestStandardError = v.ExampleStandardError };
    }

    /// <summary>
    /// Projected 95% CI half-width (points) of the mean difference over <paramref name="targetSeeds"/> seeds on the same
    /// test set: t sqrt(SD_seed^2 / k + SE_test^2), with SD_seed the measured spread of the per-seed differences (with one
    /// seed, unmeasured, so the one-seed paired binomial SE stands in for it), SE_test the example component of the crossed
    /// design (<see cref="TestStandardError"/>), which more seeds on the same test set do not shrink, and t the 97.5% Student
    /// t quantile with Satterthwaite's degrees of freedom of that sum (k - 1 for the seed term, n - 1 for the example
    /// term; 1.96 for one seed).
    /// </summary>
    /// <param name="targetSeeds">Seeds of the projected experiment.</param>
    public double ProjectedHalfWidth(int targetSeeds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSeeds, 1);
        double seed = SeedStandardDeviation * SeedStandardDeviation / targetSeeds;
        double example = TestStandardError * TestStandardError;
        double variance = seed + example;
        if (targetSeeds == 1 || variance <= 0)
        {
            return 1.96 * Math.Sqrt(variance);
        }

        double df = variance * variance / ((seed * seed / (targetSeeds - 1)) + (example * example / Math.Max(1, Examples - 1)));
        return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 0.975) * Math.Sqrt(variance);
    }

    /// <summary>
    /// The fewest seeds (more than now) at which the projected half-width (<see cref="ProjectedHalfWidth"/>) falls below the
    /// distance from the estimate to -<paramref name="margin"/>, so that the CI would lie on one side of the margin if the
    /// estimate stayed where it is; null when no number of seeds up to <paramref name="most"/> would (the estimate lies
    /// within the test-set floor of the margin: only a larger test set, or nothing, decides).
    /// </summary>
    /// <param name="margin">The positive non-inferiority margin (points).</param>
    /// <param name="most">The largest seed count considered.</param>
    public int? SeedsToDecide(double margin, int most = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(margin);
        double gap = Math.Abs(Difference.Estimate + margin);
        for (int k = Seeds + 1; k <= most; k++)
        {
            if (ProjectedHalfWidth(k) < gap)
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>Standard deviation of the per-seed differences (points); the one-seed binomial SE where only one seed ran.</summary>
    public double SeedStandardDeviation { get; init; }

    /// <summary>
    /// The example component of the crossed design (points): sqrt(sigma_example^2 / n), which more seeds on the same test
    /// set do not shrink; for one seed (components not separable) the paired binomial SE of the difference.
    /// </summary>
    public double TestStandardError { get; init; }
}
