namespace NtkProofs.Statistics;

/// <summary>A point estimate with a two-sided confidence interval.</summary>
/// <param name="Estimate">The point estimate (on the full data).</param>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
/// <param name="Level">Confidence level, e.g. 0.95.</param>
public readonly record struct ConfidenceInterval(double Estimate, double Low, double High, double Level)
{
    /// <summary>Half the interval's width.</summary>
    public double HalfWidth => (High - Low) / 2;

    /// <summary>Whether the interval contains a value.</summary>
    /// <param name="value">The value.</param>
    public bool Contains(double value) => Low <= value && value <= High;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"{Estimate:G3} [{Low:G3}, {High:G3}]");
}

/// <summary>
/// Percentile bootstrap over replicates (a fixed seed, so the interval is a pure function of the data).
/// </summary>
public static class BootstrapCi
{
    /// <summary>Default number of resamples.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>Default seed of the resampling stream.</summary>
    public const int DefaultSeed = 20240620;

    /// <summary>
    /// CI of a statistic of groups of replicates: each resample draws, independently within every group (for example
    /// every prefix length m), replicates with replacement, and recomputes the statistic on the resampled groups.
    /// </summary>
    /// <typeparam name="T">Replicate type.</typeparam>
    /// <param name="groups">The groups (e.g. the replicates at each m, in m order).</param>
    /// <param name="statistic">The statistic of a list of groups (e.g. the log-log slope of the group means).</param>
    /// <param name="level">Confidence level.</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="seed">Seed of the resampling stream.</param>
    public static ConfidenceInterval OverGroups<T>(IReadOnlyList<IReadOnlyList<T>> groups, Func<IReadOnlyList<IReadOnlyList<T>>, double> statistic, double level = 0.95, int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(statistic);
        if (groups.Count == 0 || groups.Any(g => g.Count == 0))
        {
            throw new ArgumentException("every group needs at least one replicate", nameof(groups));
        }

        double estimate = statistic(groups);
        var random = new Random(seed);
        var values = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            var sample = groups.Select(g => (IReadOnlyList<T>)Enumerable.Range(0, g.Count).Select(_ => g[random.Next(g.Count)]).ToList()).ToList();
            values[b] = statistic(sample);
        }

        Array.Sort(values);
        double alpha = (1 - level) / 2;
        return new ConfidenceInterval(estimate, Quantile(values, alpha), Quantile(values, 1 - alpha), level);
    }

    /// <summary>CI of the log-log slope of the group means against x (e.g. a rate in m), resampling replicates within each x.</summary>
    /// <param name="x">Abscissae, one per group.</param>
    /// <param name="replicates">Positive replicate values at each x.</param>
    /// <param name="level">Confidence level.</param>
    public static ConfidenceInterval LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> replicates, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(replicates);
        if (x.Count != replicates.Count)
        {
            throw new ArgumentException($"{x.Count} abscissae but {replicates.Count} groups", nameof(replicates));
        }

        return OverGroups(replicates, g => LogLogFit.Fit(x, g.Select(v => v.Average()).ToList()).Slope, level);
    }

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    /// <param name="sorted">Ascending values.</param>
    /// <param name="q">Quantile in [0, 1].</param>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sorted));
        }

        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
