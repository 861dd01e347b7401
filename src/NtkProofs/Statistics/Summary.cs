namespace NtkProofs.Statistics;

/// <summary>Mean, standard deviation and range of a sample.</summary>
/// <param name="Count">Sample size.</param>
/// <param name="Mean">Sample mean.</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1 denominator; 0 for one value).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public readonly record struct Summary(int Count, double Mean, double StandardDeviation, double Min, double Max)
{
    /// <summary>Summarizes a non-empty sample with MathNet's descriptive statistics.</summary>
    /// <param name="values">The sample.</param>
    public static Summary Of(IEnumerable<double> values)
    {
        var data = values?.ToArray() ?? throw new ArgumentNullException(nameof(values));
        if (data.Length == 0)
        {
            throw new ArgumentException("cannot summarize an empty sample", nameof(values));
        }

        var stats = new MathNet.Numerics.Statistics.DescriptiveStatistics(data);
        return new Summary(data.Length, stats.Mean, data.Length > 1 ? stats.StandardDeviation : 0, stats.Minimum, stats.Maximum);
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"{Mean:G4} ± {StandardDeviation:G2} (n = {Count})");
}
