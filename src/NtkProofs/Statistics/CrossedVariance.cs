namespace NtkProofs.Statistics;

/// <summary>
/// The grand mean of a crossed seeds x examples design (per-example differences d[s, i], in points) and its variance
/// by the method of moments of the two-way random-effects model d = mu + a_s + b_i + e_si: with the mean squares MS_S
/// (seeds, k - 1 df), MS_X (examples, n - 1 df) and MS_E (residual, (k - 1)(n - 1) df), E[MS_S] = n sigma_a^2 +
/// sigma_e^2 and E[MS_X] = k sigma_b^2 + sigma_e^2, so Var(mean) = sigma_a^2 / k + sigma_b^2 / n + sigma_e^2 / (k n)
/// is estimated by (MS_S' + MS_X' + MS_E) / (k n) with each component truncated at zero (MS_S' = max(0, MS_S - MS_E),
/// likewise MS_X'), and its degrees of freedom by Satterthwaite's formula for the mean squares that remain. With one
/// seed the design is a paired sample of examples: Var = MS_X / n, n - 1 df.
/// </summary>
/// <param name="Mean">The grand mean (points).</param>
/// <param name="Variance">The estimated variance of the grand mean (points^2).</param>
/// <param name="DegreesOfFreedom">Satterthwaite's degrees of freedom of <paramref name="Variance"/>.</param>
/// <param name="SeedStandardDeviation">The sample standard deviation of the per-seed means (the one-seed paired SE where k = 1).</param>
/// <param name="ExampleStandardError">sqrt(sigma_b^2 / n), the example component (the one-seed paired SE where k = 1).</param>
public sealed record CrossedVariance(double Mean, double Variance, double DegreesOfFreedom, double SeedStandardDeviation, double ExampleStandardError)
{
    /// <summary>The moments of <paramref name="d"/>[s][i] (k seeds of n examples each, in {-1, 0, 1}), scaled to points.</summary>
    /// <param name="d">Per-seed, per-example differences.</param>
    public static CrossedVariance Of(IReadOnlyList<int[]> d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return OfValues([.. d.Select(r => r.Select(v => (double)v).ToArray())]);
    }

    /// <summary>
    /// The moments of real-valued per-seed, per-example values (for example a linear contrast of correctness across several
    /// configurations, sum_j w_j y_j[s, i]), in accuracy units, scaled to points.
    /// </summary>
    /// <param name="d">Per-seed, per-example values.</param>
    public static CrossedVariance OfValues(IReadOnlyList<double[]> d)
    {
        ArgumentNullException.ThrowIfNull(d);
        int k = d.Count;
        int n = k == 0 ? 0 : d[0].Length;
        if (k == 0 || n < 2 || d.Any(r => r.Length != n))
        {
            throw new ArgumentException($"need at least one seed of at least 2 examples, all of equal length (got {k} seeds)", nameof(d));
        }

        var rowMean = d.Select(r => 100.0 * r.Average()).ToArray();
        var colMean = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int s = 0; s < k; s++)
            {
                sum += d[s][i];
            }

            colMean[i] = 100.0 * sum / k;
        }

        double mean = rowMean.Average();
        double msX = k * colMean.Sum(c => (c - mean) * (c - mean)) / (n - 1);
        if (k == 1)
        {
            double se = Math.Sqrt(msX / n);
            return new CrossedVariance(mean, msX / n, n - 1, se, se);
        }

        double msS = n * rowMean.Sum(r => (r - mean) * (r - mean)) / (k - 1);
        double sse = 0;
        for (int s = 0; s < k; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double e = (100.0 * d[s][i]) - rowMean[s] - colMean[i] + mean;
                sse += e * e;
            }
        }

        double msE = sse / ((k - 1.0) * (n - 1.0));

        // The combination sum_j c_j MS_j actually used, with Satterthwaite's df.
        var terms = new List<(double Value, double Df)>();
        if (msS > msE)
        {
            terms.Add((msS, k - 1));
        }

        if (msX > msE)
        {
            terms.Add((msX, n - 1));
        }

        // Each kept component contributes MS_j - MS_E; the residual contributes MS_E once: the net coefficient of MS_E is
        // 1 - (kept components).
        double residualCoefficient = 1 - terms.Count;
        double total = terms.Sum(t => t.Value) + (residualCoefficient * msE);
        double denominator = terms.Sum(t => t.Value * t.Value / t.Df) + (residualCoefficient * residualCoefficient * msE * msE / ((k - 1.0) * (n - 1.0)));
        double variance = Math.Max(0, total) / (k * (double)n);
        double df = denominator > 0 ? total * total / denominator : double.PositiveInfinity;
        return new CrossedVariance(mean, variance, Math.Max(1, df), Math.Sqrt(msS / n), Math.Sqrt(Math.Max(0, msX - msE) / (k * (double)n)));
    }

    /// <summary>The two-sided confidence interval of the mean: mean -/+ t(df) sqrt(Variance), in points.</summary>
    /// <param name="level">Confidence level.</param>
    public ConfidenceInterval Interval(double level = 0.95)
    {
        double half = Variance <= 0 ? 0 : MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, DegreesOfFreedom, 1 - ((1 - level) / 2)) * Math.Sqrt(Variance);
        return new ConfidenceInterval(Mean, Mean - half, Mean + half, level);
    }
}
