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
