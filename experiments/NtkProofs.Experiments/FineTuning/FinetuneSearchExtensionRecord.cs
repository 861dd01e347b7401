using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The typed result of one <see cref="FinetuneSearchExtensionExperiment"/> point: validation-only search runs of one
/// method configuration on one task at rates beyond the protocol's grid (test never evaluated).
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Method">The method name.</param>
/// <param name="Settings">The method's settings in words (as in the protocol record it extends).</param>
/// <param name="Search">The runs (validation numbers only).</param>
public sealed record FinetuneSearchExtensionRecord(string Task, string Method, string Settings, IReadOnlyList<LearningRateTrial> Search)
{
    /// <summary>Wall-clock seconds of the point's runs.</summary>
    public double TotalSeconds { get; init; }

    /// <summary>Median seconds per training step over the point's runs (first step of each run excluded).</summary>
    public double SecondsPerStep { get; init; }

    /// <summary>Runs read from stored parts of an interrupted point, each with the manifest id of the run that trained it.</summary>
    public IReadOnlyList<string> StoredRuns { get; init; } = [];
}
