using System.Text.Json.Nodes;
using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Experiments.WidthExperiments;
using NtkProofs.Numerics;
using NtkProofs.Tests.Experiments.FineTuning;
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
/// by design and moves them). The experiments on all-MiniLM-L6-v2 (fine-tuning, inference, theoremb-real) run the same
/// classes on the tiny random encoder (<see cref="TinyEncoder"/>), so the test needs no download and stays fast; the
/// BERT modules are the same code at a smaller shape.
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
        ("theoremb-real", [("steps", 3), ("batch", 4), ("sentences", 8), ("max_length", 16)]),
        ("finetune", [("method", "full"), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16)]),
        ("finetune", [("method", "prefix"), ("prefix_length", 4), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16)]),
        ("finetune", [("method", "ntk"), ("feature", "prf:16"), ("ntk_rank", 4), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16)]),
        ("prefix-to-ntk", [("prefix_length", 4), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16)]),
        ("finetune-protocol", [("method", "lora"), ("rank", 2), ("lr_grid", "1e-3,1e-2,1e-1"), ("step_cap", 2), ("eval_every", 1), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2)]),
        ("finetune-lr-extension", [("method", "ntk"), ("rates", "0.1"), ("step_cap", 2), ("eval_every", 1), ("patience", 1), ("batch", 8), ("max_length", 12), ("test_fraction", 0.2)]),
    ];

    /// <summary>The experiments whose registered instance loads all-MiniLM-L6-v2, built on the tiny random encoder instead.</summary>
    private static readonly Dictionary<string, Func<IExperiment>> OnTinyEncoder = new(StringComparer.Ordinal)
    {
        [FinetuneExperiment.ExperimentName] = FinetuneExperimentTests.Tiny,
        [FinetuneProtocolExperiment.ExperimentName] = () => new FinetuneProtocolExperiment(FinetuneExperimentTests.Tiny()),
        [FinetuneSearchExtensionExperiment.ExperimentName] = () => new FinetuneSearchExtensionExperiment(new FinetuneProtocolExperiment(FinetuneExperimentTests.Tiny())),
        [PrefixConversionExperiment.ExperimentName] = () => new PrefixConversionExperiment(FinetuneExperimentTests.Tiny()),
        [InferenceOverheadExperiment.ExperimentName] = () => new InferenceOverheadExperiment(TinyEncoder.Source, () => [.. TinyEncoder.Sentences(8).Select(s => s.Text)]),
        [RealBetaExperiment.ExperimentName] = () => new RealBetaExperiment(TinyEncoder.Source, () => TinyEncoder.Sentences()),
    };

    /// <summary>
    /// Result fields that measure the machine, not the computation: wall clock, process memory, load averages (load_*);
    /// attention-bench's summary (ratios, slopes and crossovers of its timings), its repetition counts (a time budget) and the GEMM rates are timings too.
    /// </summary>
    private static readonly string[] MachineMeasurements = ["seconds", "rss", "load_", "peak_extra", "summary", "gemm", "repetitions"];

    /// <summary>
    /// Result fields drawn from libtorch's global generator rather than the point's seed, so two runs in one process differ:
    /// released-defects' dropout at evaluation (the released pattern's <c>nn.Dropout</c> cannot take a generator). Its
    /// derived flag (<c>eval_dropout_reproduced</c>) is still compared.
    /// </summary>
    private static readonly string[] UnseededFields = ["eval_dropout_difference"];

    /// <summary>Experiments whose every result field is a timing (the goal table of perf): the run under the sentinel must succeed, and nothing is compared.</summary>
    private static readonly string[] TimingOnly = ["perf"];

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
        foreach (var name in new[]
        {
            "kernel-concentration", "lazy-training", "capacity", "causal-lemmas", "ntk-identities", "ntk-bound", "ntk-trained", "small-prefix",
            "width-bench", "inference", "released-defects", "theoremb-real", "finetune", "finetune-protocol", "finetune-lr-extension",
        })
        {
            Assert.Contains(name, names);
        }
    }

    [Theory]
    [MemberData(nameof(CudaExperiments))]
    public void EveryTensorIsCreatedOnTheRequestedDevice(string name)
    {
        var experiment = OnTinyEncoder.TryGetValue(name, out var tiny) ? tiny() : ExperimentRegistry.Get(name);
        var points = TinyPoints(experiment);
        Assert.NotEmpty(points);
        foreach (var (seed, point) in points)
        {
            var context = new ExperimentContext(seed, "cpu");
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

            if (!TimingOnly.Contains(name))
            {
                AssertSameResult(expected, underSentinel, $"{name} at {point.ToJson().ToJsonString()}");
            }
        }
    }

    [Fact]
    public void ResultComparisonSkipsOnlyTimingsAndSeesAnyOtherChange()
    {
        var a = JsonNode.Parse("""{"x": 1.0, "fit_seconds": 2.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject();
        AssertSameResult(a, JsonNode.Parse("""{"x": 1.0000000001, "fit_seconds": 9.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "same");
        var m = JsonNode.Parse("""{"x": 1.0, "peak_rss_mib": 100.0, "load_average_before": "0.5 0.4 0.3"}""")!.AsObject();
        AssertSameResult(m, JsonNode.Parse("""{"x": 1.0, "peak_rss_mib": 120.0, "load_average_before": "1.5 0.4 0.3"}""")!.AsObject(), "machine measurements");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.1, "fit_seconds": 2.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "x"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.0, "fit_seconds": 2.0, "rows": [{"name": "b", "y": 3.0}]}""")!.AsObject(), "name"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameResult(a, JsonNode.Parse("""{"x": 1.0, "rows": [{"name": "a", "y": 3.0}]}""")!.AsObject(), "missing"));
    }

    /// <summary>
    /// The same result up to float rounding: every string, boolean and key equal, numbers within <see cref="Tolerance.Float32"/>
    /// (two CPU runs of a multithreaded reduction may differ in the last bits), machine measurements skipped (wall clock
    /// "*seconds*", process memory "*rss*" and "*peak_extra*", "load_average*") and the <see cref="UnseededFields"/>.
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
                    if (!MachineMeasurements.Any(k => key.Contains(k, StringComparison.Ordinal)) && !UnseededFields.Contains(key))
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

    /// <summary>
    /// From every smoke config of the experiment: per combination of text/boolean values, the point with the smallest
    /// integers (with the config's seed); then the extra points (with the first config's seed, or the master seed).
    /// </summary>
    private static List<(long Seed, SweepPoint Point)> TinyPoints(IExperiment experiment)
    {
        var result = new List<(long Seed, SweepPoint Point)>();
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
            result.AddRange(chosen.Select(p => (config.Seed, p)));
        }

        // Code paths the smoke configs do not reach (random features, other Taylor degrees, symmetric initialization,
        // other adapter methods); finetune-protocol and finetune-lr-extension have no smoke config.
        long seed = result.Count > 0 ? result[0].Seed : Seeds.Master;
        foreach (var extra in ExtraPoints.Where(x => x.Experiment == experiment.Name))
        {
            var values = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
            foreach (var (key, value) in extra.Values)
            {
                values[key] = experiment.Parameters.Single(p => p.Name == key).Validate(value, key);
            }

            result.Add((seed, new SweepPoint(experiment.Name, values)));
        }

        return result;
    }
}
