using System.Globalization;
using System.Text.Json;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// The complexity benchmark (C7) as one sweep point: time and peak memory of streamed PrefixAttention and NtkAttention over
/// a grid of m, the crossover m*, flatness of NTK time in m; optionally the PyTorch baselines. Timings are not deterministic,
/// so a resumed report keeps the stored measurement.
/// </summary>
public sealed class AttentionBenchExperiment : TypedExperiment<AttentionBenchResult>
{
    /// <inheritdoc />
    public override string Name => "attention-bench";

    /// <inheritdoc />
    public override string Description => "Complexity: PrefixAttention (streamed) vs NtkAttention time and memory over m, crossover m*";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("lengths", "128", "input lengths L, comma-separated"),
        ParameterSpec.Int("from", 4, "smallest m = 2^from", 0, 24),
        ParameterSpec.Int("to", 16, "largest m = 2^to", 0, 24),
        ParameterSpec.Int("step", 2, "m grows by 2^step", 1, 8),
        ParameterSpec.Int("backward_to", 12, "largest m = 2^x with forward+backward timed", 0, 24),
        ParameterSpec.Int("plain_to", 4, "largest m = 2^x for the materialized baselines", 0, 24),
        ParameterSpec.Int("heads", 8, "heads", 1, 64),
        ParameterSpec.Int("dim", 64, "head dimension d_h", 1, 512),
        ParameterSpec.Text("features", "elu1", "feature maps of NtkAttention, comma-separated"),
        ParameterSpec.Int("rounds", 1, "rounds over all cases", 1, 10),
        ParameterSpec.Int("repetitions", 2, "least timed repetitions per case and round", 1, 100),
        ParameterSpec.Text("python", "none", "Python with PyTorch for the baselines, or none"),
        ParameterSpec.Int("threads", 2, "threads on both sides", 1, 256),
        ParameterSpec.Int("gemm_size", 1024, "size of the square GEMM probes (each row's fraction of the GEMM rate)", 1, 16384),
    ];

    /// <inheritdoc />
    /// <remarks>
    /// The C# cases run on the requested device (inputs drawn on the CPU and moved; each timed call waits for the device); the
    /// PyTorch baselines stay on the CPU, and peak memory (the process RSS) is not measured on CUDA.
    /// </remarks>
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override AttentionBenchResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var options = new AttentionBenchmarkOptions
        {
            Lengths = List(point.Text("lengths")).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
            MinLog2 = checked((int)point.Int("from")),
            MaxLog2 = checked((int)point.Int("to")),
            Step = checked((int)point.Int("step")),
            BackwardMaxLog2 = checked((int)point.Int("backward_to")),
            PlainMaxLog2 = checked((int)point.Int("plain_to")),
            Heads = checked((int)point.Int("heads")),
            Dim = checked((int)point.Int("dim")),
            FeatureMaps = List(point.Text("features")),
            Rounds = checked((int)point.Int("rounds")),
            Repetitions = checked((int)point.Int("repetitions")),
            Seed = context.MasterSeed,
            GemmSize = checked((int)point.Int("gemm_size")),
            Placement = context.Placement,
        };
        if (options.MaxLog2 < options.MinLog2)
        {
            throw new ArgumentException($"attention-bench: 'to' ({options.MaxLog2}) must be >= 'from' ({options.MinLog2})");
        }

        int threads = checked((int)point.Int("threads"));
        var result = TorchRuntime.WithThreads(threads, () => AttentionBenchmarkRun.Execute(options, point.Text("python"), threads));
        return new AttentionBenchResult(result.Rows, result.Summary, result.PythonError, result.PythonInfo, result.LoadBefore, result.LoadAfter, result.Elapsed.TotalSeconds, threads, result.Gemm);
    }

    /// <summary>snake_case JSON with non-finite numbers written as strings.</summary>
    public static JsonSerializerOptions SnakeCase { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
