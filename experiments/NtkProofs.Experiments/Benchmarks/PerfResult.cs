using System.Text.Json;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The performance goals of issue #13 as measured in one run (the typed result of the <c>perf</c> experiment).</summary>
/// <param name="Rows">One row per goal.</param>
/// <param name="Gemm">The same run's GEMM rates (TorchSharp, same threads).</param>
/// <param name="AtGoalSizes">Whether every size is the goal's; otherwise the verdicts are indicative only.</param>
/// <param name="Numpy">One line on the NumPy peer (version, BLAS loaded, BLAS threads), or "no NumPy baseline ran".</param>
/// <param name="NumpyError">Why the NumPy ratios were not measured, or null.</param>
/// <param name="NumpyGemmGflops">The NumPy peer's square float64 GEMM rate in this run (NaN when not measured).</param>
/// <param name="NumpyInfo">What the NumPy baseline reported about itself (numpy.show_config, loaded BLAS, threads).</param>
/// <param name="Torch">One line on the PyTorch peer, or "no PyTorch baseline ran".</param>
/// <param name="TorchError">Why the PyTorch ratios were not measured, or null.</param>
/// <param name="TorchInfo">What the PyTorch baseline reported about itself.</param>
/// <param name="LoadBefore">1, 5 and 15 minute load averages before the run.</param>
/// <param name="LoadAfter">Load averages after the run.</param>
/// <param name="Threads">Threads on every side (TorchSharp, NumPy's BLAS, PyTorch).</param>
/// <param name="Rounds">Rounds.</param>
/// <param name="Seconds">Wall time of the run.</param>
/// <param name="Device">Device of the C# cases (the peers always run on the CPU).</param>
/// <param name="MklCbwr">MKL_CBWR of this process ("unset" when not set): COMPATIBLE runs MKL's slow SSE2 code path.</param>
public sealed record PerfResult(
    IReadOnlyList<PerfGoalRow> Rows,
    GemmRates Gemm,
    bool AtGoalSizes,
    string Numpy,
    string? NumpyError,
    double NumpyGemmGflops,
    JsonElement? NumpyInfo,
    string Torch,
    string? TorchError,
    JsonElement? TorchInfo,
    string LoadBefore,
    string LoadAfter,
    int Threads,
    int Rounds,
    double Seconds,
    string MklCbwr = "unset",
    string Device = "cpu")
{
    /// <summary>The OpenMP wait settings of this process (<see cref="OpenMpSettings.Describe"/>); empty in results stored before they were recorded.</summary>
    public string OpenMp { get; init; } = string.Empty;
}
