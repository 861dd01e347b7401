using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The typed result of one <see cref="FinetuneProtocolExperiment"/> point (one method configuration on one task): the
/// learning-rate search (validation only), the chosen rate and the runs at that rate, one per seed.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Method">The method name.</param>
/// <param name="Settings">The method's settings in words.</param>
/// <param name="Search">The search's runs (validation numbers only).</param>
/// <param name="ChosenLearningRate">The chosen peak learning rate.</param>
/// <param name="ChosenAtGridEdge">Whether the chosen rate is the smallest or largest of the grid (a wider grid could do better).</param>
/// <param name="Runs">The runs at the chosen rate, one per seed (test evaluated once each, at its selected checkpoint).</param>
/// <param name="TestFraction">The re-drawn test fraction.</param>
/// <param name="TestExamples">Test sentences evaluated per run.</param>
/// <param name="TestStandardErrorMet">Whether the test split is large enough for SE &lt;= 1.5 points at any accuracy.</param>
/// <param name="Protocol">The protocol in words.</param>
public sealed record FinetuneProtocolRecord(
    string Task,
    string Method,
    string Settings,
    IReadOnlyList<LearningRateTrial> Search,
    double ChosenLearningRate,
    bool ChosenAtGridEdge,
    IReadOnlyList<FinetuneRun> Runs,
    double TestFraction,
    long TestExamples,
    bool TestStandardErrorMet,
    string Protocol)
{
    /// <summary>Wall-clock seconds of every run of the point together (search and seeds).</summary>
    public double TotalSeconds { get; init; }

    /// <summary>Median seconds per training step over the point's runs (first step of each run excluded).</summary>
    public double SecondsPerStep { get; init; }

    /// <summary>
    /// Runs read from the point's stored parts instead of trained by the process that wrote this line (a point resumed
    /// across sessions), each with the manifest id (commit and time) of the run that trained it; empty when every run was
    /// trained by the writer of the line.
    /// </summary>
    public IReadOnlyList<string> StoredRuns { get; init; } = [];

    /// <summary>Training steps taken over the point's runs (search and seeds).</summary>
    public long TotalSteps { get; init; }
}
