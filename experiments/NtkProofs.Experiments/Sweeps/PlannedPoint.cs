namespace NtkProofs.Experiments.Sweeps;

/// <summary>A point of a <see cref="SweepPlan"/> with its 0-based position in the plan.</summary>
/// <param name="Index">Position in the plan (last axis fastest).</param>
/// <param name="Point">The resolved point.</param>
public sealed record PlannedPoint(int Index, SweepPoint Point);
