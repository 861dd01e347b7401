namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// One goal of issue #13 as measured in one run: our time and work, the fraction of the same run's GEMM rate, the peer's
/// time and the ratio to it, and the targets with their verdicts.
/// </summary>
/// <param name="Goal">What is measured, e.g. "empirical kernel, fixed".</param>
/// <param name="Sizes">The sizes it ran at, e.g. "n 64, d 16, c 1, m 65536".</param>
/// <param name="Precision">float64 or float32 (which GEMM rate the fraction refers to).</param>
/// <param name="Seconds">Our minimum wall time over every sample of every round (NaN when not timed).</param>
/// <param name="Flops">The counted work (<see cref="PerfFlops"/>).</param>
/// <param name="GemmGflops">The same run's square GEMM rate of this precision.</param>
/// <param name="Peer">The peer compared against, or null when the goal has none.</param>
/// <param name="PeerSeconds">The peer's minimum wall time, or null when it was not measured.</param>
/// <param name="Targets">The goal's targets and their values.</param>
/// <param name="Note">Why a value is missing, or other context; null when none.</param>
/// <param name="FloorSeconds">The same run's floor for this work (<see cref="GemmRates.FloorSeconds"/>), or null when not computed.</param>
public sealed record PerfGoalRow(string Goal, string Sizes, string Precision, double Seconds, double Flops, double GemmGflops, string? Peer, double? PeerSeconds, IReadOnlyList<PerfTarget> Targets, string? Note, double? FloorSeconds = null)
{
    /// <summary>Our rate, GFLOP/s.</summary>
    public double Gflops => Flops / Seconds / 1e9;

    /// <summary>Our rate as a fraction of the same run's GEMM rate of this precision.</summary>
    public double GemmFraction => Gflops / GemmGflops;

    /// <summary>Peer time / our time (&gt; 1: we are faster); null when the peer was not measured.</summary>
    public double? RatioToPeer => PeerSeconds is { } p && double.IsFinite(p) && p > 0 ? p / Seconds : null;

    /// <summary>False if any target is not met; true if every target is met; null otherwise (some not measured).</summary>
    public bool? Met => Targets.Any(t => t.Met == false) ? false : Targets.All(t => t.Met == true) ? true : null;

    /// <summary>Not met, and every target that fails is out of reach at this run's floor (<see cref="PerfTarget.OutOfReach"/>).</summary>
    public bool OutOfReach => Met == false && Targets.Where(t => t.Met == false).All(t => t.OutOfReach == true);

    /// <summary>"met", "NOT met", "NOT met (out of reach here)" or "not decided".</summary>
    public string MetText => Met switch { true => "met", false => OutOfReach ? "NOT met (out of reach here)" : "NOT met", null => "not decided" };
}
