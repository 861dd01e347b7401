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
    /// two methods at seed s on the same examples in the same order. Each bootstrap resample draws seeds with replacement,
    /// then test examples with replacement within each drawn seed (the same example indices for A and B, so the pairing is
    /// kept), and recomputes the mean difference. Fixed resampling seed, so the CI is a pure function of the data.
    /// </summary>
    /// <param name="a">Correctness of A per seed.</param>
    /// <param name="b">Correctness of B per seed (same seeds, same order).</param>
    /// <param name="level">Confidence level.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <param name="seed">Seed of the resampling stream.</param>
    public static PairedComparison Compare(IReadOnlyList<IReadOnlyList<bool>> a, IReadOnlyList<IReadOnlyList<bool>> b, double level = 0.95, int resamples = BootstrapCi.DefaultResamples, int seed = BootstrapCi.DefaultSeed)
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

        double estimate = 100.0 * diffs.Average(d => d.Average());
        var random = new Random(seed);
        var values = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double total = 0;
            for (int s = 0; s < a.Count; s++)
            {
                int[] d = diffs[random.Next(a.Count)];
                long sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += d[random.Next(n)];
                }

                total += (double)sum / n;
            }

            values[r] = 100.0 * total / a.Count;
        }

        Array.Sort(values);
        double alpha = (1 - level) / 2;
        var ci = new ConfidenceInterval(estimate, BootstrapCi.Quantile(values, alpha), BootstrapCi.Quantile(values, 1 - alpha), level);
        var p = Enumerable.Range(0, a.Count).Select(s => McNemar.ExactP(a[s], b[s])).ToList();
        double accA = 100.0 * a.Average(x => x.Count(c => c) / (double)n);
        double accB = 100.0 * b.Average(x => x.Count(c => c) / (double)n);
        double[] perSeed = diffs.Select(d => 100.0 * d.Average()).ToArray();
        double testVariance = diffs.Average(d =>
        {
            double mean = d.Average();
            double discordant = d.Count(x => x != 0) / (double)n;
            return 1e4 * Math.Max(0, discordant - mean * mean) / n;
        });
        double seedSd = perSeed.Length >= 2
            ? Math.Sqrt(perSeed.Sum(x => (x - estimate) * (x - estimate)) / (perSeed.Length - 1))
            : Math.Sqrt(testVariance);
        return new PairedComparison(ci, a.Count, n, p, accA, accB) { SeedStandardDeviation = seedSd, TestStandardError = Math.Sqrt(testVariance) };
    }

    /// <summary>
    /// Projected 95% CI half-width (points) of the mean difference over <paramref name="targetSeeds"/> seeds on the same
    /// test set: 1.96 sqrt(SD_seed^2 / k + SE_test^2), with SD_seed the measured spread of the per-seed differences
    /// (with one seed, unmeasured, so the one-seed paired binomial SE stands in for it) and SE_test the paired binomial
    /// SE sqrt((discordant rate - d^2) / n) of one seed's difference.
    /// </summary>
    /// <param name="targetSeeds">Seeds of the projected experiment.</param>
    public double ProjectedHalfWidth(int targetSeeds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSeeds, 1);
        return 1.96 * Math.Sqrt(SeedStandardDeviation * SeedStandardDeviation / targetSeeds + TestStandardError * TestStandardError);
    }

    /// <summary>Standard deviation of the per-seed differences (points); the one-seed binomial SE where only one seed ran.</summary>
    public double SeedStandardDeviation { get; init; }

    /// <summary>Paired binomial SE (points) of one seed's difference, averaged in variance over seeds.</summary>
    public double TestStandardError { get; init; }
}
