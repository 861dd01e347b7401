namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// The cost model of one experiment: the estimated seconds of a point are <c>OverheadSeconds + SecondsPerUnit * Work(point)</c>,
/// where <see cref="Work"/> is a rough operation count read from the point's parameters.
/// </summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="WorkText">What <see cref="Work"/> counts, in words (printed with the estimate).</param>
/// <param name="Work">The work of a point (1 for experiments costed per point).</param>
/// <param name="OverheadSeconds">Seconds every point costs.</param>
/// <param name="SecondsPerUnit">Seconds per unit of work.</param>
public sealed record CostRule(string Experiment, string WorkText, Func<SweepPoint, double> Work, double OverheadSeconds, double SecondsPerUnit)
{
    /// <summary>The estimated seconds of one point.</summary>
    /// <param name="point">A resolved point of this experiment.</param>
    public double Seconds(SweepPoint point) => OverheadSeconds + (SecondsPerUnit * Work(point));
}
