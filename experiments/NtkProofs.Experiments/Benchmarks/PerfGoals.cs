namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// The targets of issue #13 ("performance close to the machine's limit, measured against the peers in one run") and the
/// rows that evaluate them. Every ratio is taken between timings of the same run.
/// </summary>
public static class PerfGoals
{
    /// <summary>Empirical kernel: NumPy (fs_kernel formulation) time / ours, every path.</summary>
    public const double KernelOverNumPy = 4.0;

    /// <summary>Empirical kernel, fixed and separate paths: fraction of the float64 GEMM rate.</summary>
    public const double KernelGemmFraction = 0.5;

    /// <summary>Empirical kernel, tied path: fraction of the float64 GEMM rate.</summary>
    public const double TiedGemmFraction = 0.7;

    /// <summary>Streamed prefix attention forward: plain PyTorch time / ours.</summary>
    public const double PrefixOverPyTorch = 4.0;

    /// <summary>Streamed prefix attention forward: fraction of the float32 GEMM rate.</summary>
    public const double PrefixGemmFraction = 0.6;

    /// <summary>Prefix attention forward + recomputing backward: at most this many times the forward's time.</summary>
    public const double BackwardOverForward = 2.5;

    /// <summary>NTK-Attention forward at L = 512: fraction of the float32 GEMM rate.</summary>
    public const double NtkGemmFraction = 0.5;

    /// <summary>A goal with a fraction-of-GEMM target and, optionally, a peer speed-up target.</summary>
    /// <param name="goal">What is measured.</param>
    /// <param name="sizes">Its sizes.</param>
    /// <param name="precision">float64 or float32.</param>
    /// <param name="seconds">Our time.</param>
    /// <param name="flops">Counted work.</param>
    /// <param name="gemm">The same run's GEMM rates.</param>
    /// <param name="fractionTarget">Least fraction of the GEMM rate.</param>
    /// <param name="peer">The peer, or null when the goal has none.</param>
    /// <param name="peerSeconds">The peer's time, or null when not measured.</param>
    /// <param name="peerTarget">Least peer time / our time, or null when the peer is informational only.</param>
    /// <param name="note">Why the peer is missing, or null.</param>
    /// <param name="exps">Exponentials the work needs (<see cref="PerfFlops"/>), charged to the floor at the run's exp rate.</param>
    /// <param name="floorFlops">The products the floor charges, when less than the counted work (a symmetric product needs one triangle); null: <paramref name="flops"/>.</param>
    public static PerfGoalRow Rate(string goal, string sizes, string precision, double seconds, double flops, GemmRates gemm, double fractionTarget, string? peer = null, double? peerSeconds = null, double? peerTarget = null, string? note = null, double exps = 0, double? floorFlops = null)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        double rate = gemm.Square(precision);
        double? usableFloor = gemm.FloorSeconds(precision, floorFlops ?? flops, exps);
        var targets = new List<PerfTarget>();
        if (peer is not null && peerTarget is { } pt)
        {
            double? ratio = peerSeconds is { } p && double.IsFinite(p) && p > 0 && double.IsFinite(seconds) ? p / seconds : null;
            double? best = peerSeconds is { } ps && double.IsFinite(ps) && ps > 0 && usableFloor is { } f ? ps / f : null;
            targets.Add(new PerfTarget($"{peer} / ours", TargetBound.AtLeast, pt, ratio, best));
        }

        double? bestFraction = usableFloor is { } uf ? flops / uf / 1e9 / rate : null;
        targets.Add(new PerfTarget($"fraction of {precision} GEMM", TargetBound.AtLeast, fractionTarget, flops / seconds / 1e9 / rate, bestFraction));
        return new PerfGoalRow(goal, sizes, precision, seconds, flops, rate, peer, peerSeconds, targets, note, usableFloor);
    }

    /// <summary>The forward + backward goal: time at most <see cref="BackwardOverForward"/> times the forward's (same run).</summary>
    /// <param name="goal">What is measured.</param>
    /// <param name="sizes">Its sizes.</param>
    /// <param name="seconds">Forward + backward time.</param>
    /// <param name="flops">Counted work (<see cref="PerfFlops.PrefixForwardBackward"/>).</param>
    /// <param name="forwardSeconds">The forward's time in the same run.</param>
    /// <param name="gemm">The same run's GEMM rates.</param>
    /// <param name="note">Context (how the backward is computed), or null.</param>
    /// <param name="exps">Exponentials of forward + backward (the backward recomputes the forward's).</param>
    /// <param name="forwardFlops">The forward's counted work (0: no floor ratio).</param>
    /// <param name="forwardExps">The forward's exponentials.</param>
    /// <remarks>
    /// The floor's value is the ratio with forward + backward and the forward both at their floors: the ratio this machine's
    /// rates give when neither wastes time (a shorter ratio needs a slower forward).
    /// </remarks>
    public static PerfGoalRow BackwardRatio(string goal, string sizes, double seconds, double flops, double forwardSeconds, GemmRates gemm, string? note = null, double exps = 0, double forwardFlops = 0, double forwardExps = 0)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        double? ratio = double.IsFinite(seconds) && double.IsFinite(forwardSeconds) && forwardSeconds > 0 ? seconds / forwardSeconds : null;
        double? floor = gemm.FloorSeconds("float32", flops, exps), forwardFloor = gemm.FloorSeconds("float32", forwardFlops, forwardExps);
        double? best = floor / forwardFloor;
        return new PerfGoalRow(goal, sizes, "float32", seconds, flops, gemm.Float32Gflops, null, null,
            [new PerfTarget("time / forward time", TargetBound.AtMost, BackwardOverForward, ratio, best)], note, floor);
    }
}
