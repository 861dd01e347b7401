using NtkProofs.Experiments.Lemmas;
using NtkProofs.Lemmas;
using NtkProofs.Model;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>The residual ratio R_T / R_0 at one m, over replicates.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Median">Median over replicates.</param>
/// <param name="Min">Smallest replicate.</param>
/// <param name="Max">Largest replicate.</param>
/// <param name="Replicates">Replicates.</param>
/// <param name="SignRedraws">Fixed-value sign draws redrawn at this m (all replicates).</param>
public sealed record CapacityPoint(int PrefixLength, double Median, double Min, double Max, int Replicates, int SignRedraws);

/// <summary>Capacity of one setting (path, n, c): the residual ratio against m and m_fit.</summary>
/// <param name="Path">Value path.</param>
/// <param name="Samples">n.</param>
/// <param name="OutputDim">c.</param>
/// <param name="Steps">T.</param>
/// <param name="Points">Ratio per m, ascending m.</param>
public sealed record CapacitySetting(ValuePath Path, int Samples, int OutputDim, int Steps, IReadOnlyList<CapacityPoint> Points)
{
    /// <summary>n c.</summary>
    public int Targets => Samples * OutputDim;

    /// <summary>m_fit(n, c, eps): the smallest grid m whose median ratio is at most eps, or null.</summary>
    /// <param name="epsilon">eps.</param>
    public int? MFit(double epsilon) => Points.FirstOrDefault(p => p.Median <= epsilon)?.PrefixLength;

    /// <summary>
    /// The first m &gt; m_fit at which the residual rises beyond the replicate spread: its smallest replicate exceeds the
    /// largest replicate at m_fit and its median exceeds <see cref="LemmaCriteria.CapacityRiseFactor"/> times the median
    /// at m_fit; null if none (or no m_fit).
    /// </summary>
    /// <param name="epsilon">eps.</param>
    public CapacityPoint? RiseBeyondFit(double epsilon)
    {
        var fit = Points.FirstOrDefault(p => p.Median <= epsilon);
        return fit is null ? null : Points.FirstOrDefault(p => p.PrefixLength > fit.PrefixLength && p.Min > fit.Max && p.Median > LemmaCriteria.CapacityRiseFactor * fit.Median);
    }
}

/// <summary>
/// Typed capacity evidence (THEORY.md A.2 "Capacity"), shared by C4 and the stylized half of C18: m_fit(n, c, eps)
/// against n c per value path, and the residual beyond m_fit.
/// </summary>
/// <param name="Settings">One entry per (path, n, c).</param>
/// <param name="Epsilon">eps of m_fit.</param>
/// <param name="SmallestFixedM">The smallest m run on the fixed path (m = 1 is excluded: constant output).</param>
public sealed record CapacityEvidence(IReadOnlyList<CapacitySetting> Settings, double Epsilon, int? SmallestFixedM)
{
    /// <summary>Total fixed-value sign draws redrawn (constant sign columns).</summary>
    public int SignRedraws => Settings.Sum(s => s.Points.Sum(p => p.SignRedraws));

    /// <summary>Builds the evidence from the capacity sweep's typed records.</summary>
    /// <param name="records">Typed records.</param>
    /// <param name="epsilon">eps (default <see cref="LemmaCriteria.CapacityEpsilon"/>).</param>
    public static CapacityEvidence From(IReadOnlyList<TypedRecord<CapacityRecord>> records, double epsilon = LemmaCriteria.CapacityEpsilon)
    {
        var settings = LemmaSweeps.GroupCapacity(records).Select(g => new CapacitySetting(
            g.Problem.ValuePath, g.Problem.Samples, g.Problem.EffectiveOutputDim, g.Runs[0].Steps,
            g.Runs.GroupBy(r => r.PrefixLength).OrderBy(x => x.Key).Select(x =>
            {
                var ratios = x.Select(r => r.ResidualRatio).Order().ToList();
                return new CapacityPoint(x.Key, Median(ratios), ratios[0], ratios[^1], ratios.Count, x.Sum(r => r.SignRedraws));
            }).ToList())).ToList();
        int? smallestFixed = settings.Where(s => s.Path == ValuePath.FixedValue).SelectMany(s => s.Points).Select(p => (int?)p.PrefixLength).Min();
        return new CapacityEvidence(settings, epsilon, smallestFixed);
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
