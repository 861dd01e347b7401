using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>
/// The fit e(m) = A m^-1/2 + B m^-1 of THEORY.md A.2 (fluctuation plus the input tokens' O(L/m) bias), by least squares on
/// the relative residuals (e_fit / e - 1), so that every m weighs alike across the decades e spans.
/// </summary>
/// <param name="A">The m^-1/2 coefficient, with its bootstrap CI over replicates.</param>
/// <param name="B">The m^-1 coefficient, with its bootstrap CI over replicates.</param>
public sealed record TwoTermFit(ConfidenceInterval A, ConfidenceInterval B)
{
    /// <summary>e(m) at the point estimates.</summary>
    /// <param name="m">Prefix length.</param>
    public double Predict(double m) => (A.Estimate / Math.Sqrt(m)) + (B.Estimate / m);

    /// <summary>(A, B) of the per-m means; NaN when fewer than two m or the system is singular.</summary>
    /// <param name="ms">Prefix lengths.</param>
    /// <param name="means">Mean e at each m (positive).</param>
    public static (double A, double B) Coefficients(IReadOnlyList<double> ms, IReadOnlyList<double> means)
    {
        ArgumentNullException.ThrowIfNull(ms);
        ArgumentNullException.ThrowIfNull(means);
        double saa = 0, sbb = 0, sab = 0, sa = 0, sb = 0;
        for (int i = 0; i < ms.Count; i++)
        {
            double a = 1 / (Math.Sqrt(ms[i]) * means[i]), b = 1 / (ms[i] * means[i]);
            saa += a * a;
            sbb += b * b;
            sab += a * b;
            sa += a;
            sb += b;
        }

        double det = (saa * sbb) - (sab * sab);
        if (ms.Count < 2 || !(Math.Abs(det) > 1e-12 * saa * sbb))
        {
            return (double.NaN, double.NaN);
        }

        return (((sa * sbb) - (sb * sab)) / det, ((sb * saa) - (sa * sab)) / det);
    }

    /// <summary>Fits A and B with percentile-bootstrap CIs, resampling replicates within each m.</summary>
    /// <param name="ms">Prefix lengths, one per group.</param>
    /// <param name="replicates">The replicate values of e at each m (positive).</param>
    public static TwoTermFit Of(IReadOnlyList<double> ms, IReadOnlyList<IReadOnlyList<double>> replicates)
    {
        ArgumentNullException.ThrowIfNull(ms);
        ArgumentNullException.ThrowIfNull(replicates);
        (double A, double B) Stat(IReadOnlyList<IReadOnlyList<double>> g) => Coefficients(ms, g.Select(v => v.Average()).ToList());
        return new TwoTermFit(BootstrapCi.OverGroups(replicates, g => Stat(g).A), BootstrapCi.OverGroups(replicates, g => Stat(g).B));
    }
}
