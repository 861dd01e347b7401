using System.Text.Json;
using NtkProofs.Experiments.Benchmarks;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>The stored result of one attention-bench point (C7); field names as stored before the typed port.</summary>
/// <param name="Rows">Every timed case.</param>
/// <param name="Summary">Ratios, crossovers m*, NTK flatness.</param>
/// <param name="PythonError">Why the PyTorch side did not run, or null.</param>
/// <param name="PythonInfo">What the PyTorch side reported about itself, if it ran.</param>
/// <param name="LoadBefore">Load average before the run.</param>
/// <param name="LoadAfter">Load average after the run.</param>
/// <param name="Seconds">Wall time of the run.</param>
/// <param name="TorchThreads">Threads used on both sides.</param>
/// <param name="Gemm">The same run's GEMM rates (null in results stored before they were measured).</param>
public sealed record AttentionBenchResult(
    IReadOnlyList<AttentionBenchmarkRow> Rows,
    AttentionBenchmarkSummary Summary,
    string? PythonError,
    JsonElement? PythonInfo,
    string LoadBefore,
    string LoadAfter,
    double Seconds,
    int TorchThreads,
    GemmRates? Gemm = null);
