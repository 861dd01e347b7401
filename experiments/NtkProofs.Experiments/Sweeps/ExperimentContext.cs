using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>Run-wide settings passed to every <see cref="IExperiment.Run"/> call.</summary>
/// <param name="MasterSeed">The sweep's master seed (from the config).</param>
/// <param name="Device">"cpu", "cuda" or "cuda:N" (see <see cref="DevicePlacement.Parse"/>).</param>
/// <param name="Cancellation">Cancelled when the user interrupts the sweep.</param>
public sealed record ExperimentContext(long MasterSeed, string Device = "cpu", CancellationToken Cancellation = default)
{
    /// <summary>The placement every tensor of the run is created on (parsed from <see cref="Device"/>).</summary>
    public DevicePlacement Placement => DevicePlacement.Parse(Device);

    /// <summary>
    /// Where an experiment whose points take long (minutes to hours: a fine-tuning protocol) says how far the current point
    /// is, in a few words ("seed 3 of 5, step 420 of 1000"); the sweep shows it next to the point. Null when nobody listens.
    /// </summary>
    public Action<string>? Status { get; init; }

    /// <summary>
    /// Where a long point keeps its finished parts so that an interrupted point resumes from them (the sweep sets it for
    /// a point run into a store, and deletes the parts once the point's line is written). Null when the results are kept in
    /// memory only (a report's in-process sweep): the point then runs whole.
    /// </summary>
    public PointParts? Parts { get; init; }
}
