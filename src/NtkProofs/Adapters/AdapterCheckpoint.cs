using System.Text.Json;
using NtkProofs.IO;
using NtkProofs.Numerics;
using NtkProofs.Tokenization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// Saves and loads only what fine-tuning changed (PEFT's <c>save_pretrained</c>): the trainable parameters of an
/// <see cref="AdaptedClassifier"/> as <c>adapter_model.safetensors</c> (TorchSharp.PyBridge; keys are state-dict names
/// such as <c>adapter.layers.0.query.lora_A.weight</c> and <c>classifier.weight</c>, with no adapter name in them),
/// <c>adapter_config.json</c>, <c>checkpoint.json</c> (<see cref="CheckpointInfo"/>), and optionally a probe batch with the
/// model's logits on it (<c>probe.safetensors</c>: <c>input_ids</c>, <c>attention_mask</c>, <c>logits</c>). An NTK-Attention
/// adapter built from a prefix also gets <c>prefix_source.safetensors</c> (<see cref="NtkPrefixSource"/>).
/// </summary>
public static class AdapterCheckpoint
{
    /// <summary>The weights file.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>The checkpoint description.</summary>
    public const string InfoFile = "checkpoint.json";

    /// <summary>The probe batch and outputs.</summary>
    public const string ProbeFile = "probe.safetensors";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Writes the adapter folder (created if missing; each file written atomically).</summary>
    /// <param name="model">The wrapped model.</param>
    /// <param name="directory">Target folder.</param>
    /// <param name="baseModelName">The base model's name, recorded in <c>checkpoint.json</c>.</param>
    /// <param name="probe">Optional probe batch; the model's logits on it (evaluation mode) are saved with it.</param>
    public static void Save(AdaptedClassifier model, string directory, string baseModelName, TokenBatch? probe = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var trainable = model.TrainableParameters();
        var summary = model.Summary();
        var (count, sum, squares) = FrozenFingerprint(model);
        var info = new CheckpointInfo(CheckpointInfo.CurrentFormat, baseModelName, model.Bert.Config, model.NumLabels, summary.Trainable, summary.Total,
            trainable.Select(p => p.Name).ToList(), count, sum, squares);

        using (var scope = NewDisposeScope())
        {
            var state = trainable.ToDictionary(p => p.Name, p => p.Parameter.detach().cpu().contiguous());
            AtomicFile.Write(Path.Combine(directory, WeightsFile), temp => Safetensors.SaveStateDict(temp, state));
        }

        AdapterConfigJson.Write(model.AdapterConfig, directory);
        string prefixPath = Path.Combine(directory, NtkPrefixSource.FileName);
        if (model.Adapter is NtkAttentionAdapter { PrefixSource: { } source })
        {
            source.Save(directory);
        }
        else if (File.Exists(prefixPath))
        {
            File.Delete(prefixPath); // a stale prefix from an earlier save would claim a closed form this adapter does not have
        }

        if (probe is not null)
        {
            SaveProbe(model, probe, directory);
        }

        // checkpoint.json last, with a digest of every other file (a changed byte anywhere is then detected).
        info = info with { Sha256 = Digests(directory) };
        AtomicFile.WriteAllText(Path.Combine(directory, InfoFile), JsonSerializer.Serialize(info, JsonOptions) + "\n");
    }

    /// <summary>
    /// Loads an adapter folder into a model built with the same adapter configuration, base model and head size,
    /// replacing its trainable parameters. Nothing is changed unless every check passes. Throws
    /// <see cref="AdapterLoadException"/> naming the file and the problem (missing file, different configuration,
    /// different base weights, missing or unexpected keys, shape or dtype mismatch, truncated or corrupted safetensors).
    /// </summary>
    /// <param name="model">The target model.</param>
    /// <param name="directory">The adapter folder.</param>
    public static void LoadInto(AdaptedClassifier model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var configPath = Path.Combine(directory, AdapterConfigJson.FileName);
        var config = Guard(configPath, () => AdapterConfigJson.Read(directory));
        if (config != model.AdapterConfig)
        {
            throw AdapterLoadException.For(configPath, $"it describes {AdapterConfigJson.Serialize(config)} but the model was built with {AdapterConfigJson.Serialize(model.AdapterConfig)}");
        }

        var infoPath = Path.Combine(directory, InfoFile);
        var info = Guard(infoPath, () => ReadInfo(infoPath));
        if (info.BaseConfig != model.Bert.Config)
        {
            throw AdapterLoadException.For(infoPath, $"saved against encoder {info.BaseConfig}, but the model's encoder is {model.Bert.Config}");
        }

        if (info.NumLabels != model.NumLabels)
        {
            throw AdapterLoadException.For(infoPath, $"saved with a {info.NumLabels}-label head, but the model has {model.NumLabels} labels");
        }

        var (count, sum, squares) = FrozenFingerprint(model);
        if (count != info.FrozenCount || !Tolerance.WeightFingerprint.Accepts(sum, info.FrozenSum) || !Tolerance.WeightFingerprint.Accepts(squares, info.FrozenSumSquares))
        {
            throw AdapterLoadException.For(infoPath, FormattableString.Invariant(
                $"the model's frozen weights differ from those the adapter was trained on ({count} frozen values, sum {sum:R}, sum of squares {squares:R}; saved: {info.FrozenCount}, {info.FrozenSum:R}, {info.FrozenSumSquares:R}); load it into {info.BaseModel}"));
        }

        var weightsPath = Path.Combine(directory, WeightsFile);
        var header = Guard(weightsPath, () => SafetensorsHeader.Read(weightsPath));
        var expected = model.TrainableParameters();
        var problems = new List<string>();
        var names = expected.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(p => !header.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var unexpected = header.Keys.Where(k => !names.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing keys [{string.Join(", ", missing)}]");
        }

        if (unexpected.Count > 0)
        {
            problems.Add($"unexpected keys [{string.Join(", ", unexpected)}]");
        }

        foreach (var (name, parameter) in expected.Where(p => header.ContainsKey(p.Name)))
        {
            var entry = header[name];
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"'{name}' has shape [{string.Join(", ", entry.Shape)}] in the file but [{string.Join(", ", parameter.shape)}] in the model");
            }
            else if (entry.DType != "F32" || parameter.dtype != ScalarType.Float32)
            {
                problems.Add($"'{name}' is {entry.DType} in the file, the model expects F32 ({parameter.dtype})");
            }
        }

        if (problems.Count > 0)
        {
            throw AdapterLoadException.For(weightsPath, "does not match the model: " + string.Join("; ", problems));
        }

        var loaded = Guard(weightsPath, () => NtkProofs.IO.SafetensorsCpu.Load(weightsPath));
        try
        {
            using var noGrad = no_grad();
            foreach (var (name, parameter) in expected)
            {
                parameter.copy_(loaded[name]);
            }
        }
        finally
        {
            foreach (var t in loaded.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Reads <c>checkpoint.json</c>.</summary>
    /// <param name="directory">The adapter folder.</param>
    public static CheckpointInfo ReadInfo(string directory)
    {
        string path = directory.EndsWith(InfoFile, StringComparison.Ordinal) ? directory : Path.Combine(directory, InfoFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"missing {InfoFile}: {path}", path);
        }

        try
        {
            var info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty checkpoint description");
            if (info.Format != CheckpointInfo.CurrentFormat)
            {
                throw new InvalidDataException($"{path}: format '{info.Format}', expected '{CheckpointInfo.CurrentFormat}'");
            }

            return info;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid checkpoint description ({e.Message})", e);
        }
    }

    /// <summary>Reads the probe batch and the logits saved with it.</summary>
    /// <param name="directory">The adapter folder.</param>
    /// <returns>The batch and the logits, float32 [B, labels]; the caller disposes both.</returns>
    public static (TokenBatch Batch, Tensor Logits) ReadProbe(string directory)
    {
        string path = Path.Combine(directory, ProbeFile);
        var header = Guard(path, () => SafetensorsHeader.Read(path));
        foreach (var key in new[] { "input_ids", "attention_mask", "logits" })
        {
            if (!header.ContainsKey(key))
            {
                throw AdapterLoadException.For(path, $"the probe has no '{key}' tensor");
            }
        }

        var loaded = Guard(path, () => NtkProofs.IO.SafetensorsCpu.Load(path));
        return (new TokenBatch(loaded["input_ids"], loaded["attention_mask"]), loaded["logits"]);
    }

    /// <summary>SHA-256 (lowercase hex) of every file of <paramref name="directory"/> except <c>checkpoint.json</c>, by name.</summary>
    /// <param name="directory">The adapter folder.</param>
    public static SortedDictionary<string, string> Digests(string directory)
    {
        var digests = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (name == InfoFile || name.StartsWith('.'))
            {
                continue;
            }

            using var stream = File.OpenRead(file);
            digests[name] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }

        return digests;
    }

    private static void SaveProbe(AdaptedClassifier model, TokenBatch probe, string directory)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var state = new Dictionary<string, Tensor>(StringComparer.Ordinal)
            {
                ["input_ids"] = probe.InputIds.cpu().contiguous(),
                ["attention_mask"] = probe.AttentionMask.cpu().contiguous(),
                ["logits"] = model.forward(probe.InputIds, probe.AttentionMask).cpu().contiguous(),
            };
            AtomicFile.Write(Path.Combine(directory, ProbeFile), temp => Safetensors.SaveStateDict(temp, state));
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static (long Count, double Sum, double SumSquares) FrozenFingerprint(AdaptedClassifier model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long count = 0;
        double sum = 0, squares = 0;
        foreach (var (_, p) in model.named_parameters().Where(p => !p.parameter.requires_grad))
        {
            var d = p.cpu().to_type(ScalarType.Float64);   // on the CPU, so a CUDA run records the fingerprint a CPU check recomputes
            count += p.numel();
            sum += d.sum().item<double>();
            squares += d.square().sum().item<double>();
        }

        return (count, sum, squares);
    }

    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (AdapterLoadException)
        {
            throw;
        }
        catch (FileNotFoundException e)
        {
            throw AdapterLoadException.For(path, "the file does not exist", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException or ArgumentException or InvalidOperationException or FormatException or OverflowException or System.Runtime.InteropServices.ExternalException)
        {
            throw AdapterLoadException.For(path, e.Message, e);
        }
    }
}
