using NtkProofs.Experiments.Benchmarks;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>The evaluation of the performance goals: met, not met, and not decided when a peer is missing.</summary>
public sealed class PerfGoalsTests
{
    // 100 GFLOP/s float64, 200 GFLOP/s float32.
    private static readonly GemmRates Gemm = new(1024, 100, 200, "[8, 512, 64] x [8, 64, 1024]", 150, 2);

    /// <summary>1 GFLOP in 0.0125 s is 80 GFLOP/s = 80% of float64 GEMM; NumPy at 0.0625 s is 5x: both targets met.</summary>
    [Fact]
    public void A_goal_is_met_when_every_target_is()
    {
        var row = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.0125, 1e9, Gemm, PerfGoals.KernelGemmFraction, "NumPy", 0.0625, PerfGoals.KernelOverNumPy);
        Assert.Equal(80, row.Gflops, 9);
        Assert.Equal(0.8, row.GemmFraction, 9);
        Assert.Equal(5, row.RatioToPeer!.Value, 9);
        Assert.Equal(2, row.Targets.Count);
        Assert.All(row.Targets, t => Assert.True(t.Met));
        Assert.True(row.Met);
        Assert.Equal("met", row.MetText);
        Assert.Equal("NumPy / ours >= 4: 5.00 (met)", row.Targets[0].Describe());
    }

    /// <summary>A fraction below the target fails the goal even though the peer ratio is met; so does a low peer ratio.</summary>
    [Fact]
    public void A_goal_is_not_met_when_one_target_fails()
    {
        var slow = PerfGoals.Rate("empirical kernel, tied", "n 64", "float64", 0.02, 1e9, Gemm, PerfGoals.TiedGemmFraction, "NumPy", 1.0, PerfGoals.KernelOverNumPy);
        Assert.Equal(0.5, slow.GemmFraction, 9);
        Assert.True(slow.Targets[0].Met);
        Assert.False(slow.Targets[1].Met);
        Assert.False(slow.Met);
        Assert.Equal("NOT met", slow.MetText);

        var peer = PerfGoals.Rate("prefix attention forward, L = 128", "H 8", "float32", 0.005, 1e9, Gemm, PerfGoals.PrefixGemmFraction, "plain PyTorch", 0.01, PerfGoals.PrefixOverPyTorch);
        Assert.Equal(1.0, peer.GemmFraction, 9);
        Assert.False(peer.Targets[0].Met);
        Assert.False(peer.Met);
    }

    /// <summary>Without the peer the ratio is not measured and the goal is not decided, unless another target already fails.</summary>
    [Fact]
    public void A_missing_peer_leaves_the_goal_undecided()
    {
        var row = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.0125, 1e9, Gemm, PerfGoals.KernelGemmFraction, "NumPy", null, PerfGoals.KernelOverNumPy, "not measured: no Python given (--python none)");
        Assert.Null(row.PeerSeconds);
        Assert.Null(row.RatioToPeer);
        Assert.Null(row.Targets[0].Value);
        Assert.Null(row.Targets[0].Met);
        Assert.True(row.Targets[1].Met);
        Assert.Null(row.Met);
        Assert.Equal("not decided", row.MetText);
        Assert.Equal("NumPy / ours >= 4: not measured (not decided)", row.Targets[0].Describe());
        Assert.Equal("not measured: no Python given (--python none)", row.Note);

        var failing = row with { Targets = [row.Targets[0], row.Targets[1] with { Value = 0.1 }] };
        Assert.False(failing.Met);
    }

    /// <summary>A peer without a target (the released forward beside NTK-Attention) is shown but does not decide the goal.</summary>
    [Fact]
    public void An_informational_peer_adds_no_target()
    {
        var row = PerfGoals.Rate("NTK-Attention forward (elu1), L = 512", "H 8", "float32", 0.01, 1.5e9, Gemm, PerfGoals.NtkGemmFraction, "released (PyTorch)", 0.02);
        Assert.Single(row.Targets);
        Assert.Equal(2, row.RatioToPeer!.Value, 9);
        Assert.Equal(0.75, row.GemmFraction, 9);
        Assert.True(row.Met);
    }

    /// <summary>Forward + backward must stay at most 2.5 times the forward; a missing forward leaves it undecided.</summary>
    [Theory]
    [InlineData(2.4, true)]
    [InlineData(2.5, true)]
    [InlineData(2.6, false)]
    public void Backward_is_bounded_by_the_forward(double times, bool met)
    {
        var row = PerfGoals.BackwardRatio("prefix attention forward+backward, L = 128", "H 8", times * 0.1, 3.5e9, 0.1, Gemm);
        Assert.Equal(met, row.Met);
        Assert.Equal(TargetBound.AtMost, row.Targets[0].Bound);
        Assert.Equal(times, row.Targets[0].Value!.Value, 9);
        Assert.Equal("float32", row.Precision);
        Assert.Equal(200, row.GemmGflops);
        Assert.Null(PerfGoals.BackwardRatio("fb", "H 8", 0.2, 1e9, double.NaN, Gemm).Met);
    }

    /// <summary>
    /// The floor: 1 GFLOP at 100 GFLOP/s (10 ms) plus 2e7 exps at 1 ns (20 ms) = 30 ms. NumPy at 60 ms allows at most 2x and
    /// the fraction at most 1/3: both targets fail even at the floor, so the goal is out of reach; with exps at 0.1 ns the floor
    /// is 12 ms and both targets are reachable, so the same time is a plain "NOT met".
    /// </summary>
    [Fact]
    public void The_floor_separates_out_of_reach_from_not_met()
    {
        var slowExp = Gemm with { ExpFloat64Ns = 1.0 };
        var row = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.04, 1e9, slowExp, PerfGoals.KernelGemmFraction, "NumPy", 0.06, PerfGoals.KernelOverNumPy, exps: 2e7);
        Assert.Equal(0.03, row.FloorSeconds!.Value, 12);
        Assert.Equal(2.0, row.Targets[0].Best!.Value, 9);
        Assert.Equal(1.0 / 3, row.Targets[1].Best!.Value, 9);
        Assert.All(row.Targets, t => Assert.True(t.OutOfReach));
        Assert.True(row.OutOfReach);
        Assert.Equal("NOT met (out of reach here)", row.MetText);
        Assert.Equal("NumPy / ours >= 4: 1.50 (NOT met; at most 2.00 at this run's floor: out of reach)", row.Targets[0].Describe());

        var fastExp = Gemm with { ExpFloat64Ns = 0.1 };
        var reachable = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.04, 1e9, fastExp, PerfGoals.KernelGemmFraction, "NumPy", 0.06, PerfGoals.KernelOverNumPy, exps: 2e7);
        Assert.Equal(0.012, reachable.FloorSeconds!.Value, 12);
        Assert.All(reachable.Targets, t => Assert.False(t.OutOfReach));
        Assert.False(reachable.OutOfReach);
        Assert.Equal("NOT met", reachable.MetText);
        Assert.Equal("NumPy / ours >= 4: 1.50 (NOT met; 5.00 at this run's floor)", reachable.Targets[0].Describe());

        // Without an exp rate the floor is the products alone (still a lower bound): 10 ms.
        var noExp = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.04, 1e9, Gemm, PerfGoals.KernelGemmFraction, "NumPy", 0.06, PerfGoals.KernelOverNumPy, exps: 2e7);
        Assert.Equal(0.01, noExp.FloorSeconds!.Value, 12);

        // A symmetric product charged at half: 0.5 GFLOP at the floor (5 ms) while the fraction still counts the full 1 GFLOP.
        var halved = PerfGoals.Rate("empirical kernel, fixed", "n 64", "float64", 0.04, 1e9, Gemm, PerfGoals.KernelGemmFraction, "NumPy", 0.06, PerfGoals.KernelOverNumPy, floorFlops: 0.5e9);
        Assert.Equal(0.005, halved.FloorSeconds!.Value, 12);
        Assert.Equal(0.25, halved.GemmFraction, 9);
        Assert.Equal(2.0, halved.Targets[1].Best!.Value, 9);
    }

    /// <summary>Ours faster than the floor (less work than counted, as symmetric Gram products): the floor bounds nothing.</summary>
    [Fact]
    public void A_time_below_the_floor_voids_it()
    {
        var row = PerfGoals.Rate("empirical kernel, tied", "n 64", "float64", 0.005, 1e9, Gemm, PerfGoals.TiedGemmFraction, "NumPy", 0.01, PerfGoals.KernelOverNumPy);
        Assert.Equal(2.0, row.GemmFraction, 9);
        Assert.False(row.Targets[0].Met);
        Assert.Null(row.Targets[0].OutOfReach);
        Assert.False(row.OutOfReach);
        Assert.Equal("NOT met", row.MetText);
    }

    /// <summary>
    /// Forward + backward at both floors (ms): (3.5 GFLOP / 200 + 2e7 x 1.2 ns) / (1 GFLOP / 200 + 1e7 x 1.2 ns) = 41.5 / 17 = 2.44:
    /// reachable; with 2 ns per exp, (17.5 + 40) / (5 + 20) = 2.3; with no exps 3.5: out of reach (the measured 4.0 is above it).
    /// </summary>
    [Theory]
    [InlineData(1.2, 41.5 / 17, false)]
    [InlineData(2.0, 2.3, false)]
    [InlineData(0.0, 3.5, true)]
    public void The_backward_floor_is_the_ratio_of_both_floors(double expNs, double best, bool outOfReach)
    {
        var gemm = Gemm with { ExpFloat32Ns = expNs };
        var row = PerfGoals.BackwardRatio("fb", "H 8", 0.4, 3.5e9, 0.1, gemm, null, 2e7, 1e9, 1e7);
        Assert.Equal(best, row.Targets[0].Best!.Value, 9);
        Assert.Equal(outOfReach, row.Targets[0].OutOfReach);
        Assert.Equal(outOfReach ? "NOT met (out of reach here)" : "NOT met", row.MetText);
    }

    /// <summary>A value that is not finite is not measured, never met; an unknown precision is refused in one line.</summary>
    [Fact]
    public void Non_finite_values_are_not_measured()
    {
        Assert.Null(new PerfTarget("x", TargetBound.AtLeast, 1, double.NaN).Met);
        Assert.Null(new PerfTarget("x", TargetBound.AtMost, 1, double.PositiveInfinity).Met);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Square("float16"));
        Assert.StartsWith("precision must be float64 or float32, got 'float16'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The default sizes are the goals' sizes; other sizes are flagged as indicative; bad sizes are refused in one line.</summary>
    [Fact]
    public void Options_know_the_goal_sizes_and_refuse_bad_ones()
    {
        Assert.True(new PerfOptions().AtGoalSizes);
        Assert.False(new PerfOptions { TiedLog2 = 14 }.AtGoalSizes);
        Assert.False(new PerfOptions { Lengths = [128] }.AtGoalSizes);
        new PerfOptions().Validate();
        var e = Assert.Throws<ArgumentException>(() => new PerfOptions { Lengths = [] }.Validate());
        Assert.StartsWith("perf: need heads", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PerfOptions { Repetitions = 5, MaxRepetitions = 2 }.Validate());
    }

    /// <summary>The forward + backward memory note separates the prefix gradients (2 H m d float32) from the rest.</summary>
    [Fact]
    public void The_memory_note_separates_the_prefix_gradients()
    {
        // H 8, d 64, m 65536: gradients 2 * 8 * 65536 * 64 * 4 B = 256 MiB; at m / 4, 64 MiB.
        Assert.Equal(
            "peak extra memory 300 MiB at m = 65536 and 100 MiB at m = 16384; beyond the prefix gradients (256 and 64 MiB): 44 and 36 MiB",
            PerfBenchmark.MemoryNote((300, 100), 8, 65536, 64));
        Assert.Equal("peak memory: not measured (no exact resident-memory accounting here)", PerfBenchmark.MemoryNote((null, 100), 8, 65536, 64));
    }

    /// <summary>MKL_CBWR=COMPATIBLE (what ./ntkproofs sets) is flagged, with the setting to measure under; AUTO and unset are not.</summary>
    [Theory]
    [InlineData("COMPATIBLE", true)]
    [InlineData("SSE2", true)]
    [InlineData("AUTO", false)]
    [InlineData("AVX2", false)]
    [InlineData("unset", false)]
    public void A_slow_MKL_code_path_is_flagged(string setting, bool flagged)
    {
        string? warning = MklSetting.Warning(setting);
        Assert.Equal(flagged, warning is not null);
        if (warning is not null)
        {
            Assert.StartsWith($"MKL_CBWR={setting}: MKL runs a reduced code path", warning, StringComparison.Ordinal);
            Assert.Contains("MKL_CBWR=AUTO", warning, StringComparison.Ordinal);
        }
    }
}
