using System.Globalization;

namespace NtkProofs.FineTuning;

/// <summary>
/// The learning-rate search of the fine-tuning protocol (issue 10): a log-spaced grid of at least
/// <see cref="MinimumGridSize"/> values, each trained once with the same seed, and the rate chosen on validation alone.
/// </summary>
public static class LearningRateSearch
{
    /// <summary>Fewest learning rates a search may try.</summary>
    public const int MinimumGridSize = 3;

    /// <summary>Relative tolerance on the equal ratios of a log-spaced grid (grids are written with a few digits, e.g. 3e-4, 1e-3, 3e-3).</summary>
    public const double RatioTolerance = 0.15;

    /// <summary>
    /// Parses and checks a grid: "a,b,c" (comma-separated, increasing) or "log:LOW:HIGH:N" (N values from LOW to HIGH,
    /// equal ratios). Throws <see cref="ArgumentException"/> for fewer than <see cref="MinimumGridSize"/> values, a value
    /// that is not finite and positive, values not strictly increasing, or ratios that differ by more than
    /// <see cref="RatioTolerance"/> (not log-spaced).
    /// </summary>
    /// <param name="text">The grid.</param>
    public static IReadOnlyList<double> ParseGrid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        double Number(string s) => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new ArgumentException($"learning-rate grid '{text}': '{s}' is not a number");
        List<double> values;
        if (text.StartsWith("log:", StringComparison.Ordinal))
        {
            string[] parts = text.Split(':');
            if (parts.Length != 4 || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 2)
            {
                throw new ArgumentException($"learning-rate grid '{text}': expected log:LOW:HIGH:N with N >= 2");
            }

            double low = Number(parts[1]), high = Number(parts[2]);
            if (!(low > 0) || !(high > low) || !double.IsFinite(high))
            {
                throw new ArgumentException($"learning-rate grid '{text}': need 0 < LOW < HIGH");
            }

            values = [.. Enumerable.Range(0, n).Select(i => low * Math.Pow(high / low, (double)i / (n - 1)))];
        }
        else
        {
            values = [.. text.Split(',').Select(Number)];
        }

        return Validate(values);
    }

    /// <summary>Checks a grid (see <see cref="ParseGrid"/>) and returns it.</summary>
    /// <param name="grid">Learning rates, increasing.</param>
    public static IReadOnlyList<double> Validate(IReadOnlyList<double> grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Count < MinimumGridSize)
        {
            throw new ArgumentException($"a learning-rate search needs at least {MinimumGridSize} values, got {grid.Count}");
        }

        if (grid.Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            throw new ArgumentException("every learning rate must be a finite number > 0");
        }

        var ratios = grid.Zip(grid.Skip(1), (a, b) => b / a).ToList();
        if (ratios.Any(r => !(r > 1)))
        {
            throw new ArgumentException("the learning rates must be strictly increasing");
        }

        double logMean = ratios.Average(Math.Log);
        if (ratios.Any(r => Math.Abs(Math.Log(r) - logMean) > Math.Log(1 + RatioTolerance)))
        {
            throw new ArgumentException(FormattableString.Invariant($"the grid is not log-spaced (ratios {string.Join(", ", ratios.Select(r => r.ToString("G3", CultureInfo.InvariantCulture)))})"));
        }

        return grid;
    }

    /// <summary>
    /// The chosen trial: highest validation accuracy; ties broken by lower validation loss, then by the smaller learning
    /// rate. Throws <see cref="ArgumentException"/> unless the trials are one per learning rate, all with the same seed.
    /// </summary>
    /// <param name="trials">The search's runs.</param>
    public static LearningRateTrial Select(IReadOnlyList<LearningRateTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0)
        {
            throw new ArgumentException("no learning-rate trials to choose from", nameof(trials));
        }

        if (trials.Select(t => t.Seed).Distinct().Count() != 1)
        {
            throw new ArgumentException("a learning-rate search uses one seed for every rate", nameof(trials));
        }

        if (trials.Select(t => t.LearningRate).Distinct().Count() != trials.Count)
        {
            throw new ArgumentException("a learning-rate search tries each rate once", nameof(trials));
        }

        if (trials.Any(t => !double.IsFinite(t.ValidationAccuracy)))
        {
            throw new ArgumentException("every trial needs a finite validation accuracy", nameof(trials));
        }

        return trials
            .OrderByDescending(t => t.ValidationAccuracy)
            .ThenBy(t => double.IsFinite(t.ValidationLoss) ? t.ValidationLoss : double.PositiveInfinity)
            .ThenBy(t => t.LearningRate)
            .First();
    }
}
