using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Tests.Support;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Experiments.FineTuning;

/// <summary>The prefix -&gt; NTK-Attention experiment on the tiny encoder: three accuracies on one test set, the conversion itself, and refusals.</summary>
public sealed class PrefixConversionExperimentTests
{
    private const long MasterSeed = 20240620;

    private static PrefixConversionExperiment Tiny() => new(FinetuneExperimentTests.Tiny());

    private static SweepPoint Point(params (string Name, JsonNode Value)[] values)
    {
        var experiment = Tiny();
        var resolved = experiment.Parameters.ToDictionary(p => p.Name, p => p.Validate(p.Default, "default"));
        foreach (var (name, value) in values)
        {
            resolved[name] = experiment.Parameters.Single(p => p.Name == name).Validate(value, name);
        }

        return new SweepPoint(PrefixConversionExperiment.ExperimentName, resolved);
    }

    [Fact]
    public void A_point_trains_the_prefix_converts_it_and_trains_the_converted_adapter_on_the_same_test_set()
    {
        var record = Tiny().Measure(Point(("prefix_length", 3), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16), ("seed", 5)), new ExperimentContext(MasterSeed));
        Assert.Equal(("prefix", "ntk"), (record.Prefix.Method, record.Trained.Method));
        Assert.Equal(16, record.ConvertedTestCorrect.Length);
        Assert.Equal(record.Prefix.TestCorrect.Length, record.Trained.TestCorrect.Length);
        Assert.Equal(record.ConvertedTestAccuracy, NtkProofs.Statistics.Correctness.Decode(record.ConvertedTestCorrect).Count(c => c) / 16.0, 12);
        Assert.InRange(record.ConvertedValidationAccuracy, 0, 1);
        Assert.Equal("from P-Tuning v2 m = 3", record.Trained.Init);
        Assert.Equal(8, record.Prefix.Spectra.Count);
        Assert.Equal(8, record.Trained.Spectra.Count);
        Assert.Equal(record, ResultJson.Read<PrefixConversionRecord>(ResultJson.Write(record)));
    }

    [Fact]
    public void Points_of_one_task_m_and_seed_convert_one_prefix_run_kept_in_the_store()
    {
        string store = Path.Combine(Path.GetTempPath(), "ntkproofs-prefix-cache-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var experiment = Tiny();
            (string Name, JsonNode Value)[] common = [("prefix_length", 3), ("steps", 2), ("batch", 8), ("max_length", 12), ("max_eval", 16), ("seed", 5)];
            var elu = Point([.. common, ("feature", "elu1")]);
            var prf = Point([.. common, ("feature", "prf:8")]);
            ExperimentContext Context(SweepPoint p, List<string> statuses) =>
                new ExperimentContext(MasterSeed) with { Parts = new PointParts(store, p.Key, MasterSeed), Status = statuses.Add };

            var first = new List<string>();
            var a = experiment.Measure(elu, Context(elu, first));
            Assert.DoesNotContain(first, m => m.StartsWith("prefix run: stored", StringComparison.Ordinal));
            var cacheFolders = Directory.GetDirectories(Path.Combine(store, PointParts.FolderName), PrefixRunCache.KeyPrefix + "*");
            Assert.Single(cacheFolders);

            var second = new List<string>();
            var b = experiment.Measure(prf, Context(prf, second));
            Assert.Contains(second, m => m.StartsWith("prefix run: stored", StringComparison.Ordinal));
            Assert.Equal(a.Prefix with { SettingKey = b.Prefix.SettingKey }, b.Prefix);
            Assert.NotEqual(a.Prefix.SettingKey, b.Prefix.SettingKey);
            Assert.Equal("prf:8", b.Feature);

            // Weights that no longer match the recorded hash are not used: the prefix is trained again and the entry rewritten.
            string weights = Directory.GetFiles(cacheFolders[0], "*.safetensors").Single();
            File.WriteAllBytes(weights, [1, 2, 3]);
            var third = new List<string>();
            experiment.Measure(prf, Context(prf, third));
            Assert.DoesNotContain(third, m => m.StartsWith("prefix run: stored", StringComparison.Ordinal));
            Assert.NotEqual(3, new FileInfo(weights).Length);
        }
        finally
        {
            if (Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }
        }
    }

    [Fact]
    public void Convert_puts_Z_P_k_P_into_the_adapter_and_the_prefix_runs_head_into_the_head()
    {
        var prefixConfig = new PrefixTuningAdapterConfig(NumVirtualTokens: 3);
        using var prefixModel = TinyModels.Classifier(prefixConfig, adapterSeed: 7);
        var saved = prefixModel.TrainableParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter.detach().clone());
        using var ntkModel = TinyModels.Classifier(new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.PositiveRandom, FeatureDimension: 8, FeatureSeed: 2), adapterSeed: 8);
        PrefixConversionExperiment.Convert(ntkModel, saved, prefixConfig);

        var ntk = (NtkAttentionAdapter)ntkModel.Adapter;
        var (z, k) = PrefixConversion.ClosedForm((PrefixTuningAdapter)prefixModel.Adapter, ntk, 1);
        Assert.True((ntk.Layers[1].EffectiveZ().to(ScalarType.Float64) - z).abs().max().item<double>() < 1e-5);
        Assert.True((ntk.Layers[1].EffectiveK().to(ScalarType.Float64) - k).abs().max().item<double>() < 1e-5);
        var head = ntkModel.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        Assert.Equal(0f, (head - saved["classifier.weight"]).abs().max().item<float>());
    }

    [Fact]
    public void A_signed_feature_map_is_refused_before_anything_trains()
    {
        var e = Assert.Throws<ArgumentException>(() => Tiny().Measure(Point(("feature", "taylor:2"), ("steps", 1)), new ExperimentContext(MasterSeed)));
        Assert.Contains("positive features", e.Message, StringComparison.Ordinal);
    }
}
