using NtkProofs.Adapters;
using NtkProofs.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>Adapter-only save/load: round trip, probe batch, and clear errors on mismatched or damaged folders.</summary>
public sealed class AdapterCheckpointTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "ntkproofs-ckpt-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.TrainableMethodsJson), MemberType = typeof(TinyModels))]
    public void Save_then_load_into_a_fresh_model_gives_bit_identical_outputs(string json)
    {
        var config = AdapterConfigJson.Deserialize(json);
        string dir = Path.Combine(root, config.Method);
        using var batch = TinyModels.Batch();
        Tensor expected;
        using (var model = TinyModels.Classifier(config))
        {
            using var trainer = new NtkProofs.FineTuning.ClassificationTrainer(model, 1e-2, 0.01, 3);
            for (int i = 0; i < 3; i++)
            {
                trainer.Step(batch, TinyModels.Labels);
            }

            expected = TinyModels.EvalLogits(model, batch);
            AdapterCheckpoint.Save(model, dir, "tiny", batch);
        }

        // Only the trainable tensors are saved, under names without any adapter name.
        var saved = NtkProofs.IO.SafetensorsHeader.Read(Path.Combine(dir, AdapterCheckpoint.WeightsFile));
        Assert.Contains("classifier.weight", saved.Keys);
        Assert.Equal(config is FullFineTuningConfig, saved.Keys.Any(k => k.StartsWith("bert.", StringComparison.Ordinal)));
        Assert.Equal(config, AdapterConfigJson.Read(dir));

        using var fresh = TinyModels.Classifier(config, baseSeed: 1, adapterSeed: 99);
        AdapterCheckpoint.LoadInto(fresh, dir);
        using var actual = TinyModels.EvalLogits(fresh, batch);
        Assert.True(TensorAssert.Identical(expected, actual), "outputs after save/load differ");

        var (probe, logits) = AdapterCheckpoint.ReadProbe(dir);
        using (probe)
        using (logits)
        {
            Assert.True(TensorAssert.Identical(probe.InputIds, batch.InputIds));
            Assert.True(TensorAssert.Identical(probe.AttentionMask, batch.AttentionMask));
            Assert.True(TensorAssert.Identical(logits, expected));
        }

        expected.Dispose();
    }

    [Fact]
    public void Loading_into_a_model_with_another_adapter_config_names_adapter_config_json()
    {
        string dir = SaveLora(rank: 2);
        using var other = TinyModels.Classifier(new LoraAdapterConfig(Rank: 4, Alpha: 4, Dropout: 0.0));
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(other, dir));
        Assert.Contains(AdapterConfigJson.FileName, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"r\": 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_onto_different_base_weights_is_refused()
    {
        string dir = SaveLora(rank: 2);
        using var other = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0), baseSeed: 7);
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(other, dir));
        Assert.Contains(AdapterCheckpoint.InfoFile, e.Message, StringComparison.Ordinal);
        Assert.Contains("frozen weights differ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_weights_file_is_reported_with_its_path_and_nothing_is_loaded()
    {
        string dir = SaveLora(rank: 2);
        string path = Path.Combine(dir, AdapterCheckpoint.WeightsFile);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        using var target = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        using var before = target.TrainableParameters()[0].Parameter.detach().clone();
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(target, dir));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.True(TensorAssert.Identical(before, target.TrainableParameters()[0].Parameter));
    }

    [Fact]
    public void A_corrupted_header_is_reported_with_its_path()
    {
        string dir = SaveLora(rank: 2);
        string path = Path.Combine(dir, AdapterCheckpoint.WeightsFile);
        var bytes = File.ReadAllBytes(path);
        for (int i = 8; i < 24; i++)
        {
            bytes[i] = (byte)'#';
        }

        File.WriteAllBytes(path, bytes);
        using var target = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(target, dir));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("malformed header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weights_file_with_wrong_keys_or_shapes_lists_them()
    {
        string dir = SaveLora(rank: 2);
        string path = Path.Combine(dir, AdapterCheckpoint.WeightsFile);
        var state = TorchSharp.PyBridge.Safetensors.LoadStateDict(path);
        state["classifier.weight"] = zeros(3, 16);
        state["adapter.layers.9.query.lora_A.weight"] = zeros(2, 16);
        state.Remove("adapter.layers.0.value.lora_B.weight");
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, state);
        using var target = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(target, dir));
        Assert.Contains("missing keys [adapter.layers.0.value.lora_B.weight]", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected keys [adapter.layers.9.query.lora_A.weight]", e.Message, StringComparison.Ordinal);
        Assert.Contains("'classifier.weight' has shape [3, 16] in the file but [2, 16] in the model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string dir = SaveLora(rank: 2);
        File.Delete(Path.Combine(dir, AdapterCheckpoint.WeightsFile));
        using var target = TinyModels.Classifier(new LoraAdapterConfig(Rank: 2, Alpha: 4, Dropout: 0.0));
        var e = Assert.Throws<AdapterLoadException>(() => AdapterCheckpoint.LoadInto(target, dir));
        Assert.Contains(AdapterCheckpoint.WeightsFile, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    private string SaveLora(int rank)
    {
        string dir = Path.Combine(root, "lora-" + rank);
        using var model = TinyModels.Classifier(new LoraAdapterConfig(Rank: rank, Alpha: 4, Dropout: 0.0));
        AdapterCheckpoint.Save(model, dir, "tiny");
        return dir;
    }
}
