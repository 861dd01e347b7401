using MathNet.Numerics;

namespace NtkProofs.Statistics;

/// <summary>A least-squares line fitted to (log x, log y): y ~ C x^Slope.</summary>
/// <param name="Slope">The fitted exponent.</param>
/// <param name="Intercept">log C (natural log).</param>
/// <param name="RSquared">Coefficient of determination of the log-log fit.</param>
public readonly record struct LogLogFit(double Slope, double Intercept, double RSquared)
{
    /// <summary>Fits log y = a + b log x by ordinary least squares (MathNet <c>Fit.Line</c>).</summary>
    /// <param name="x">Positive abscissae (e.g. prefix lengths m).</param>
    /// <param name="y">Positive ordinates (e.g. relative kernel errors).</param>
    public static LogLogFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            throw new ArgumentException($"need two equally long series of at least 2 points, got {x.Count} and {y.Count}", nameof(x));
        }

        if (x.Any(v => !(v > 0)) || y.Any(v => !(v > 0)))
        {
            throw new ArgumentException("log-log fit needs strictly positive values", nameof(y));
        }

        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        var (intercept, slope) = MathNet.Numerics.Fit.Line(lx, ly);
        double r2 = GoodnessOfFit.RSquared(lx.Select(v => intercept + slope * v), ly);
        return new LogLogFit(slope, intercept, r2);
    }

    /// <summary>The fitted value at <paramref name="x"/>.</summary>
    /// <param name="x">Abscissa.</param>
    public double Predict(double x) => Math.Exp(Intercept) * Math.Pow(x, Slope);
}
