using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// One finished run of a <see cref="FinetuneProtocolExperiment"/> point as stored in the point's parts
/// (<see cref="Sweeps.PointParts"/>), so that a point cut off after k of its 8 runs resumes at run k + 1: what the protocol
/// reads (validation numbers), the run's typed record for a seed at the chosen rate, and its step timings.
/// </summary>
/// <param name="Index">The run's number in the point (1 = the first search rate; the seeds follow the search).</param>
/// <param name="LearningRate">The run's peak learning rate.</param>
/// <param name="Seed">The run's training seed.</param>
/// <param name="EvaluateTest">Whether the run evaluated test (false for search runs).</param>
/// <param name="Summary">The protocol's view of the run.</param>
/// <param name="Run">The run's record (seeds at the chosen rate only; null for search runs).</param>
/// <param name="TotalSeconds">The run's wall-clock seconds.</param>
/// <param name="Steps">Training steps taken.</param>
/// <param name="StepSeconds">Seconds of each step after the first.</param>
/// <param name="Config">The run's whole validated configuration (<see cref="FineTuneConfig.ToJson"/>): method settings, schedule, split, rate, seed.</param>
public sealed record ProtocolRunPart(
    int Index,
    double LearningRate,
    int Seed,
    bool EvaluateTest,
    ProtocolRunSummary Summary,
    FinetuneRun? Run,
    double TotalSeconds,
    long Steps,
    IReadOnlyList<double> StepSeconds,
    string Config)
{
    /// <summary>The part's name in the point's parts ("run-3").</summary>
    /// <param name="index">The run's number.</param>
    public static string NameOf(int index) => "run-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether this stored part is the run <paramref name="config"/> describes: the same number and the same whole
    /// configuration (a changed method setting, schedule, split, rate or seed trains the run again).
    /// </summary>
    /// <param name="index">The run's number.</param>
    /// <param name="config">The run about to be trained.</param>
    public bool Matches(int index, FineTuneConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Index == index && LearningRate.Equals(config.LearningRate) && Seed == config.Seed && EvaluateTest == config.EvaluateTest
            && (Run is not null) == config.EvaluateTest && string.Equals(Config, config.ToJson(), StringComparison.Ordinal);
    }
}
