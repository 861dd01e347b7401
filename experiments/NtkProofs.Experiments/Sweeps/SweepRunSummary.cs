namespace NtkProofs.Experiments.Sweeps;

/// <summary>What a <see cref="SweepRunner"/> run did.</summary>
/// <param name="Results">Every finished point of the run's shard (those found in the store and those computed now), in plan order.</param>
/// <param name="Planned">Points in the run's shard (all points of the plan when unsharded).</param>
/// <param name="AlreadyDone">Points found already finished in the store.</param>
/// <param name="Computed">Points computed by this run.</param>
/// <param name="Interrupted">The run was cancelled before every point was finished.</param>
/// <param name="DroppedTruncatedLine">A truncated last line (from a kill mid-write) was dropped from the store when it was opened.</param>
/// <param name="Wall">Wall time of the run.</param>
public sealed record SweepRunSummary(IReadOnlyList<SweepResult> Results, int Planned, int AlreadyDone, int Computed, bool Interrupted, bool DroppedTruncatedLine, TimeSpan Wall)
{
    /// <summary>Points of the shard not finished yet.</summary>
    public int Remaining => Planned - Results.Count;
}
