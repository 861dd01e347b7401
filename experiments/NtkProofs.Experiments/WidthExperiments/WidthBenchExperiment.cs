using System.Diagnostics;
using System.Globalization;
using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FeatureMaps;
using NtkProofs.FineTuning;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>
/// Claim C15: forward time and peak memory of streamed prefix attention (<see cref="PrefixAttention"/>) over m and of
/// NTK-Attention per feature map at a model's width (heads x d_h) and input length L, causal, float32, batch 1. The
/// crossover m* (where prefix attention becomes as slow as NTK-Attention) is derived by the claim. Runs on the run's
/// device: on CUDA each timed forward ends with a device synchronize, and the peak is not measured (it is process RSS, a
/// CPU quantity), so it is reported as missing.
/// </summary>
public sealed class WidthBenchExperiment : TypedExperiment<WidthBenchResult>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "width-bench";

    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "time and peak memory of streamed prefix attention over m and NTK-Attention per phi at a model's width (heads x d_h), causal";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("heads", 16, "heads", 1, 256),
        ParameterSpec.Int("dim", 128, "head dimension d_h", 1, 1024),
        ParameterSpec.Int("length", 512, "input length L", 1, 1 << 16),
        ParameterSpec.Int("from", 4, "smallest m = 2^from", 0, 24),
        ParameterSpec.Int("to", 16, "largest m = 2^to", 0, 24),
        ParameterSpec.Int("step", 2, "m grows by 2^step", 1, 8),
        ParameterSpec.Text("features", "elu1,prf:256,taylor:2", "feature maps, comma-separated"),
        ParameterSpec.Int("repetitions", 3, "timed repetitions per case", 1, 1000),
        ParameterSpec.Int("causal", 1, "1: causal input block, 0: not", 0, 1),
    ];

    /// <inheritdoc />
    public override WidthBenchResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        int heads = (int)point.Int("heads"), dim = (int)point.Int("dim"), length = (int)point.Int("length"), reps = (int)point.Int("repetitions");
        int from = (int)point.Int("from"), to = (int)point.Int("to"), step = (int)point.Int("step");
        bool causal = point.Int("causal") == 1;
        if (to < from)
        {
            throw new ArgumentException($"width-bench: 'to' ({to}) must be >= 'from' ({from})");
        }

        var features = point.Text("features").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var maps = features.Select(f => FeatureMapParser.Parse(f, dim, NtkProofs.Numerics.Seeds.Derive(context.MasterSeed, NtkProofs.Numerics.SeedStreams.WidthBenchFeatures, 0))).ToList();
        var placement = context.Placement;
        using var generator = new Generator(unchecked((ulong)NtkProofs.Numerics.Seeds.Derive(context.MasterSeed, NtkProofs.Numerics.SeedStreams.WidthBenchInputs, length)));
        using var q = placement.Randn(generator, ScalarType.Float32, 1, heads, length, dim);
        using var k = placement.Randn(generator, ScalarType.Float32, 1, heads, length, dim);
        using var v = placement.Randn(generator, ScalarType.Float32, 1, heads, length, dim);
        string before = LoadAverage();
        var ntk = new List<WidthBenchNtk>();
        foreach (var phi in maps)
        {
            using var z = placement.Randn(generator, ScalarType.Float32, heads, phi.R, dim) * 0.1f;
            using var ks = placement.Rand(generator, ScalarType.Float32, heads, phi.R);
            var (seconds, peak) = Time(placement, reps, () => NtkAttention.Forward(q, k, v, phi, z, ks, causal));
            ntk.Add(new WidthBenchNtk(phi.Name, phi.R, seconds, peak));
        }

        var prefix = new List<WidthBenchPrefix>();
        for (int e = from; e <= to; e += step)
        {
            long m = 1L << e;
            using var pk = placement.Randn(generator, ScalarType.Float32, heads, m, dim);
            using var pv = placement.Randn(generator, ScalarType.Float32, heads, m, dim);
            var (seconds, peak) = Time(placement, reps, () => PrefixAttention.Forward(q, k, v, pk, pv, causal));
            prefix.Add(new WidthBenchPrefix(m, seconds, peak));
        }

        return new WidthBenchResult(heads, dim, heads * dim, length, causal, reps, before, LoadAverage(), prefix, ntk, Environment.ProcessorCount);
    }

    /// <summary>Median seconds over the repetitions (after one untimed call, which also gives the peak memory on the CPU).</summary>
    private static (double Seconds, double? PeakMiB) Time(DevicePlacement placement, int reps, Func<Tensor> forward)
    {
        MemoryProbe.ReleaseFreedMemory();
        long rss = MemoryProbe.CurrentRssBytes;
        bool reset = MemoryProbe.ResetPeak();
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            _ = forward();
            placement.Synchronize();
        }

        double? peak = reset && !placement.IsCuda ? (MemoryProbe.PeakRssBytes - rss) / (1024.0 * 1024.0) : null;
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            placement.Synchronize();
            long start = Stopwatch.GetTimestamp();
            _ = forward();
            placement.Synchronize();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return (times[reps / 2], peak);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : string.Create(CultureInfo.InvariantCulture, $"unknown");
}
