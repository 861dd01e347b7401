using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using TorchSharp;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// Every experiment that says it supports CUDA creates all its tensors through the placement seam, checked on a CPU-only
/// build. How: TorchSharp factories without a <c>device:</c> argument use <c>torch.get_default_device()</c>. The test sets
/// that default to the <c>meta</c> device (shapes only, no data; available in every libtorch build) and runs each
/// experiment at tiny sizes with <c>--device cpu</c>. A tensor the seam placed is on the CPU and computes normally; a
/// tensor created with a missed <c>device:</c> lands on meta, and the first op mixing it with a CPU tensor, or any read of
/// its values (<c>item</c>, <c>data</c>), throws. So the run either reproduces the normal CPU result exactly or fails,
/// the same way a CPU tensor mixed into a CUDA run fails on a GPU. Limit: a tensor explicitly created on the CPU and never
/// moved is not caught here (on a GPU it fails loudly with a device-mismatch error; the seam draws random numbers on the CPU
/// by design and moves them).
/// </summary>
[Collection(DefaultDeviceCollection.Name)]
public sealed class ExperimentPlacementTests
{
    /// <summary>Extra tiny points per experiment, beyond the smoke configs.</summary>
    private static readonly (string Experiment, (string Name, JsonNode Value)[] Values)[] ExtraPoints =
    [
        ("ntk-trained", [("feature", "prf:16"), ("m", 8), ("dim", 4), ("length", 4), ("steps", 3), ("test_draws", 2)]),
        ("ntk-trained", [("feature", "taylor:4"), ("m", 8), ("dim", 4), ("length", 4), ("steps", 3), ("test_draws", 2)]),
        ("small-prefix", [("feature", "prf:16"), ("m", 4), ("dim", 4), ("length", 4), ("steps", 3), ("test_draws", 2)]),
        ("lazy-training", [("init", "symmetric"), ("path", "separate"), ("m", 64), ("steps", 5), ("kernel_every", 5)]),
        ("ntk-bound", [("geometry", "independent"), ("degree", 0), ("m", 32)]),
    ];

    /// <summary>At most this many points per smoke config: one per combination of its text and boolean values (the code paths).</summary>
    private const int MaxPointsPerConfig = 6;

    public static TheoryData<string> CudaExperiments()
    {
        var data = new TheoryData<string>();
        foreach (var e in ExperimentRegistry.All.Where(e => e.SupportsCuda))
        {
            data.Add(e.Name);
        }

        return data;
    }

    [Fact]
    public void AtLeastTheLemmaAndAttentionExperimentsSupportCuda()
    {
        var names = ExperimentRegistry.All.Where(e => e.SupportsCuda).Select(e => e.Name).ToList();
        foreach (var name in new[] { "kernel-concentration", "lazy-training", "capacity", "ntk-identities", "ntk-bound" })
        {
            Assert.Contains(name, names);
        }
    }

    [Theory]
    [MemberData(nameof(CudaExperiments))]
    public void EveryTensorIsCreatedOnTheRequestedDevice(string name)
    {
        var experiment = ExperimentRegistry.Get(name);
        var points = TinyPoints(experiment);
        Assert.NotEmpty(points);
        foreach (var (config, point) in points)
        {
            var context = new ExperimentContext(config.Seed, "cpu");
            var expected = experiment.Run(point, context);
            JsonObject underSentinel;
            try
            {
                underSentinel = WithUnplacedTensorsOnMeta(() => experiment.Run(point, context));
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"{name} at {point.ToJson().ToJsonString()}: a tensor was created without the requested device (it landed on the meta sentinel): {e.Message.Split('\n')[0]}");
            }

            AssertSameResult(expected, underSentinel, $"{name} at {point.ToJson().ToJsonString()}");
        }
    }

    [Fact]
    public void ResultComparisonSkipsOnlyTimingsAndSeesAnyOtherChange()
    {
        var a = JsonNode.Parse("""{"x": 1.0, "fit_seconds": 2.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject();
        AssertSameResult(a, JsonNode.Parse("""{"x": 1.0000000001, "fit_seconds": 9.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "same");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.1, "fit_seconds": 2.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "x"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.0, "fit_seconds": 2.0, "rows": [{"name": "b", "y": 3.0}]}""")!.AsObject(), "name"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "missing"));
    }

    /// <summary>
    /// The same result up to float rounding: every string, boolean and key equal, numbers within <see cref="Tolerance.Float32"/>
    /// (two CPU runs of a multithreaded reduction may differ in the last bits), wall-clock fields ("*seconds*") skipped.
    /// </summary>
    private static void AssertSameResult(JsonNode? expected, JsonNode? actual, string where, string path = "$")
    {
        switch (expected)
        {
            case JsonObject e:
                var a = Assert.IsType<JsonObject>(actual);
                Assert.Equal(e.Select(kv => kv.Key).Order(StringComparer.Ordinal), a.Select(kv => kv.Key).Order(StringComparer.Ordinal));
                foreach (var (key, value) in e)
                {
                    if (!key.Contains("seconds", StringComparison.Ordinal))
                    {
                        AssertSameResult(value, a[key], where, $"{path}.{key}");
                    }
                }

                break;
            case JsonArray e:
                var arr = Assert.IsType<JsonArray>(actual);
                Assert.Equal(e.Count, arr.Count);
                for (int i = 0; i < e.Count; i++)
                {
                    AssertSameResult(e[i], arr[i], where, $"{path}[{i}]");
                }

                break;
            case JsonValue e when e.TryGetValue<double>(out double x) && actual is JsonValue av && av.TryGetValue<double>(out double y):
                Assert.True(Tolerance.Float32.Accepts(y, x), $"{where}: {path} = {y}, expected {x}");
                break;
            default:
                Assert.Equal(expected?.ToJsonString(), actual?.ToJsonString());
                break;
        }
    }

    [Fact]
    public void TheSentinelCatchesAMissedDeviceArgument()
    {
        // Negative controls: the sentinel must be able to fail.
        Assert.Equal(DeviceType.META, WithUnplacedTensorsOnMeta(() => torch.zeros(2).device_type));
        Assert.ThrowsAny<Exception>(() => WithUnplacedTensorsOnMeta(() =>
        {
            using var placed = DevicePlacement.Cpu.FromArray([1.0, 2.0], [2]);
            using var forgotten = torch.ones(2, torch.float64);   // no device: argument
            return (placed + forgotten).sum().item<double>();
        }));
        Assert.ThrowsAny<Exception>(() => WithUnplacedTensorsOnMeta(() => torch.eye(3, dtype: torch.float64).sum().item<double>()));
        Assert.Equal(DeviceType.CPU, torch.get_default_device().type);
    }

    /// <summary>Runs <paramref name="action"/> with TorchSharp's default device set to meta, restoring it after.</summary>
    private static T WithUnplacedTensorsOnMeta<T>(Func<T> action)
    {
        var before = torch.get_default_device();
        torch.set_default_device(torch.META);
        try
        {
            return action();
        }
        finally
        {
            torch.set_default_device(before);
        }
    }

    /// <summary>From every smoke config of the experiment: per combination of text/boolean values, the point with the smallest integers.</summary>
    private static List<(SweepConfig Config, SweepPoint Point)> TinyPoints(IExperiment experiment)
    {
        var result = new List<(SweepConfig Config, SweepPoint Point)>();
        foreach (var path in Directory.GetFiles(RepositoryPaths.ProfileConfigs("smoke"), "*.json").Order(StringComparer.Ordinal))
        {
            var config = SweepConfig.Load(path);
            if (config.Experiment.Name != experiment.Name)
            {
                continue;
            }

            var plan = new SweepPlan(config);
            var chosen = plan.Points
                .Select(p => p.Point)
                .GroupBy(p => string.Join(",", p.ToJson().Where(kv => kv.Value is JsonValue v && (v.TryGetValue<string>(out _) || v.TryGetValue<bool>(out _))).Select(kv => $"{kv.Key}={kv.Value}")))
                .Select(g => g.MinBy(p => p.ToJson().Sum(kv => kv.Value is JsonValue v && v.TryGetValue<long>(out long n) ? n : 0))!)
                .Take(MaxPointsPerConfig);
            result.AddRange(chosen.Select(p => (config, p)));
        }

        // Code paths the smoke configs do not reach (random features, other Taylor degrees, symmetric initialization).
        if (result.Count > 0)
        {
            var config = result[0].Config;
            foreach (var extra in ExtraPoints.Where(x => x.Experiment == experiment.Name))
            {
                var values = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
                foreach (var (key, value) in extra.Values)
                {
                    values[key] = experiment.Parameters.Single(p => p.Name == key).Validate(value, key);
                }

                result.Add((config, new SweepPoint(experiment.Name, values)));
            }
        }

        return result;
    }
}
