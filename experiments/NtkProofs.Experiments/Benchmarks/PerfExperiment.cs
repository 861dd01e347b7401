using System.Globalization;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// The performance goals of issue #13 as one sweep point: every goal's time, the peer's time, the ratio to the peer and the
/// fraction of the same run's GEMM rate, against its target (<see cref="PerfBenchmark"/>). Not a ledger claim: the report
/// shows it as its own Performance section. Timings are not deterministic, so a resumed report keeps the stored measurement.
/// </summary>
public sealed class PerfExperiment : TypedExperiment<PerfResult>
{
    /// <summary>The experiment's name in configs.</summary>
    public const string ExperimentName = "perf";

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "Performance goals (issue #13): kernel and attention against NumPy / PyTorch and the same run's GEMM rate";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("n", 64, "kernel samples n", 1, 4096),
        ParameterSpec.Int("d", 16, "kernel input dimension d", 1, 1024),
        ParameterSpec.Int("c", 1, "kernel output dimension c (fixed, separate)", 1, 1024),
        ParameterSpec.Int("kernel_log2", 16, "kernel m = 2^x (fixed, separate)", 0, 24),
        ParameterSpec.Int("tied_log2", 16, "kernel m = 2^x (tied)", 0, 24),
        ParameterSpec.Int("heads", 8, "attention heads", 1, 64),
        ParameterSpec.Int("dim", 64, "head dimension d_h", 1, 512),
        ParameterSpec.Text("lengths", "128,512", "input lengths L of the prefix-attention goals, comma-separated"),
        ParameterSpec.Int("prefix_log2", 16, "attention m = 2^x", 0, 24),
        ParameterSpec.Int("ntk_length", 512, "input length of the NTK-Attention goal", 1, 65536),
        ParameterSpec.Text("feature", "elu1", "feature map of NTK-Attention"),
        ParameterSpec.Int("gemm_size", 1024, "size of the square GEMM probes", 1, 16384),
        ParameterSpec.Int("rounds", 2, "rounds over C# cases and baselines", 1, 10),
        ParameterSpec.Int("repetitions", 3, "least timed repetitions per case and round", 1, 100),
        ParameterSpec.Real("seconds_per_case", 0.5, "no repetition beyond the least starts after this many seconds", 0, 60),
        ParameterSpec.Text("python", "none", "Python with NumPy and PyTorch for the peers (e.g. /usr/bin/python3), or none"),
        ParameterSpec.Int("threads", 2, "threads on every side", 1, 256),
    ];

    /// <inheritdoc />
    /// <remarks>
    /// On CUDA the C# cases run on the device (the kernel on torch block products, the fused float64 kernel being a CPU path)
    /// against the same-run GEMM rate of the device; the NumPy and PyTorch peers stay on the CPU, so their ratios then compare a
    /// GPU with a CPU. Peak memory (the process RSS) is not measured on CUDA.
    /// </remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override PerfResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var options = Options(point, context.MasterSeed) with { Placement = context.Placement };
        int threads = checked((int)point.Int("threads"));
        return TorchRuntime.WithThreads(threads, () => PerfBenchmark.Execute(options, point.Text("python"), threads));
    }

    /// <summary>The options of a point (validated).</summary>
    /// <param name="point">The resolved point.</param>
    /// <param name="seed">Master seed.</param>
    public static PerfOptions Options(SweepPoint point, long seed)
    {
        ArgumentNullException.ThrowIfNull(point);
        List<int> lengths;
        try
        {
            lengths = point.Text("lengths").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"perf: lengths must be comma-separated integers, got '{point.Text("lengths")}'", e);
        }

        var options = new PerfOptions
        {
            N = checked((int)point.Int("n")),
            D = checked((int)point.Int("d")),
            C = checked((int)point.Int("c")),
            KernelLog2 = checked((int)point.Int("kernel_log2")),
            TiedLog2 = checked((int)point.Int("tied_log2")),
            Heads = checked((int)point.Int("heads")),
            Dim = checked((int)point.Int("dim")),
            Lengths = lengths,
            PrefixLog2 = checked((int)point.Int("prefix_log2")),
            NtkLength = checked((int)point.Int("ntk_length")),
            Feature = point.Text("feature"),
            GemmSize = checked((int)point.Int("gemm_size")),
            Rounds = checked((int)point.Int("rounds")),
            Repetitions = checked((int)point.Int("repetitions")),
            SecondsPerCase = point.Real("seconds_per_case"),
            Seed = seed,
        };
        options.Validate();
        return options;
    }
}
