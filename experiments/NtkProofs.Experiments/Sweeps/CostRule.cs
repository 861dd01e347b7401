namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// The cost model of one experiment: the estimated seconds of a point are
/// <c>OverheadSeconds + SecondsPerStep * steps + SecondsPerUnit * Work(point)</c>, where <see cref="Work"/> is a rough operation
/// count read from the point's parameters and steps the value of <see cref="StepsParameter"/> (the per-step dispatch cost of
/// training loops, which does not shrink with the tensors).
/// </summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="WorkText">What <see cref="Work"/> counts, in words (printed with the estimate).</param>
/// <param name="Work">The work of a point (1 for experiments costed per point).</param>
/// <param name="OverheadSeconds">Seconds every point costs.</param>
/// <param name="SecondsPerUnit">Seconds per unit of work.</param>
/// <param name="StepsParameter">The parameter counting training steps, or null.</param>
/// <param name="SecondsPerStep">Seconds per training step.</param>
public sealed record CostRule(string Experiment, string WorkText, Func<SweepPoint, double> Work, double OverheadSeconds, double SecondsPerUnit, string? StepsParameter = null, double SecondsPerStep = 0)
{
    /// <summary>The estimated seconds of one point.</summary>
    /// <param name="point">A resolved point of this experiment.</param>
    public double Seconds(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        double steps = StepsParameter is null ? 0 : point.Int(StepsParameter);
        return OverheadSeconds + (SecondsPerStep * steps) + (SecondsPerUnit * Work(point));
    }

    /// <summary>The rule in words (for the dry run).</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{OverheadSeconds:0.###} s per point{(StepsParameter is null ? string.Empty : $" + {SecondsPerStep:0.###E+0} s per step")} + {SecondsPerUnit:0.###E+0} s per unit of {WorkText}");
}
