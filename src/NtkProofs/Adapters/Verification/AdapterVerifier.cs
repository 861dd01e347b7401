using System.Globalization;
using System.Text.Json;
using NtkProofs.Adapters.Counting;
using NtkProofs.IO;
using NtkProofs.Numerics;
using NtkProofs.Pretrained;
using NtkProofs.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Adapters.Verification;

/// <summary>
/// Regression check of a saved adapter folder (<see cref="AdapterCheckpoint"/>) against its base encoder: the base model
/// it names, tensor names and shapes against the built model, trainable-parameter counts (saved, recorded, built, and the
/// <see cref="ParameterCounter"/> formula), loading (which checks the frozen-weight fingerprint), finite weights, k &gt;= 0
/// for NTK-Attention, the saved probe logits reproduced within a <see cref="Tolerance"/>, and the Theorem B bound for a
/// prefix-built NTK-Attention adapter (<see cref="PrefixBoundCheck"/>).
/// </summary>
public static class AdapterVerifier
{
    /// <summary>
    /// Verifies <paramref name="directory"/>. A folder that cannot be read at all is bad input and throws: a missing folder
    /// (<see cref="DirectoryNotFoundException"/>), a missing or corrupt adapter_config.json, checkpoint.json,
    /// adapter_model.safetensors header or probe.safetensors (<see cref="AdapterLoadException"/>), or a method whose forward
    /// pass is not available (<see cref="NotSupportedException"/>). Everything else is a row of the returned verification.
    /// </summary>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="encoder">The base encoder to check against.</param>
    /// <param name="tolerance">Agreement required of the recomputed probe logits.</param>
    /// <param name="placement">
    /// Where the probe forward runs (null: the CPU). Loading, the fingerprint and the Theorem B check run on the CPU copy;
    /// only the probe's forward pass (the recomputed logits) moves to this device, and its logits come back to the CPU.
    /// </param>
    public static AdapterVerification Verify(string directory, EncoderSource encoder, Tolerance tolerance, DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(encoder);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"adapter folder not found: {directory}");
        }

        string configPath = Path.Combine(directory, AdapterConfigJson.FileName);
        string infoPath = Path.Combine(directory, AdapterCheckpoint.InfoFile);
        string weightsPath = Path.Combine(directory, AdapterCheckpoint.WeightsFile);
        var config = Read(configPath, () => AdapterConfigJson.Read(directory));
        var info = Read(infoPath, () => AdapterCheckpoint.ReadInfo(directory));
        var header = Read(weightsPath, () => SafetensorsHeader.Read(weightsPath));
        if (info.NumLabels < 2)
        {
            throw AdapterLoadException.For(infoPath, $"num_labels must be at least 2, got {info.NumLabels}");
        }

        // The adapter first: a method without a forward pass fails before anything else is loaded.
        var adapter = AdapterFactory.Create(config, encoder.Config);
        TokenBatch probe;
        Tensor savedLogits;
        try
        {
            (probe, savedLogits) = AdapterCheckpoint.ReadProbe(directory);
        }
        catch
        {
            adapter.Dispose();
            throw;
        }

        try
        {
            using var model = new AdaptedClassifier(encoder.LoadModel(), adapter, info.NumLabels);
            var checks = new List<AdapterCheck>
            {
                Integrity(info, directory),
                BaseModel(info, encoder),
                Shapes(model, header),
                Counts(model, header, info, config, encoder),
            };
            var load = Load(model, directory);
            checks.Add(load);
            bool loaded = load.Status == AdapterCheckStatus.Passed;
            checks.Add(loaded ? Finite(model) : NotRun("finite weights"));
            checks.Add(loaded || model.Adapter is not NtkAttentionAdapter ? NonNegativeK(model, PrefixBoundCheck.Applies(config, directory)) : NotRun("k >= 0"));
            checks.Add(loaded ? Probe(model, probe, savedLogits, encoder, tolerance, placement ?? DevicePlacement.Cpu) : NotRun("probe outputs reproduced"));
            checks.Add(PrefixBoundCheck.Check(config, directory, loaded ? model : null, probe));
            return new AdapterVerification(directory, config.Method, checks);
        }
        finally
        {
            probe.Dispose();
            savedLogits.Dispose();
        }
    }

    private static AdapterCheck Integrity(CheckpointInfo info, string directory)
    {
        const string Name = "file digests (SHA-256)";
        if (info.Sha256 is null)
        {
            return new(Name, AdapterCheckStatus.Failed, $"{AdapterCheckpoint.InfoFile} records no SHA-256 digests (saved by an older version); save the adapter again");
        }

        var now = AdapterCheckpoint.Digests(directory);
        var problems = new List<string>();
        foreach (var (file, digest) in info.Sha256)
        {
            if (!now.TryGetValue(file, out var actual))
            {
                problems.Add($"{file} is missing");
            }
            else if (!string.Equals(actual, digest, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{file} changed (SHA-256 {actual[..12]}..., saved {digest[..Math.Min(12, digest.Length)]}...)");
            }
        }

        return problems.Count == 0
            ? new(Name, AdapterCheckStatus.Passed, $"{info.Sha256.Count} files match their saved digests")
            : new(Name, AdapterCheckStatus.Failed, string.Join("; ", problems));
    }

    private static AdapterCheck BaseModel(CheckpointInfo info, EncoderSource encoder)
    {
        const string Name = "base model";
        if (info.BaseModel != encoder.Name)
        {
            return new(Name, AdapterCheckStatus.Failed, $"saved against '{info.BaseModel}', checked against '{encoder.Name}'");
        }

        return info.BaseConfig == encoder.Config
            ? new(Name, AdapterCheckStatus.Passed, $"{encoder.Name}: {encoder.Config.NumLayers} layers, {encoder.Config.NumHeads} heads of {encoder.Config.HeadDim}, hidden {encoder.Config.HiddenSize}")
            : new(Name, AdapterCheckStatus.Failed, $"saved against encoder shape {info.BaseConfig}, the model is {encoder.Config}");
    }

    private static AdapterCheck Shapes(AdaptedClassifier model, IReadOnlyDictionary<string, SafetensorsEntry> header)
    {
        const string Name = "tensor names and shapes";
        var expected = model.TrainableParameters();
        var names = expected.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var missing = expected.Where(p => !header.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var unexpected = header.Keys.Where(k => !names.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing [{string.Join(", ", missing)}]");
        }

        if (unexpected.Count > 0)
        {
            problems.Add($"unexpected [{string.Join(", ", unexpected)}]");
        }

        foreach (var (name, parameter) in expected.Where(p => header.ContainsKey(p.Name)))
        {
            var entry = header[name];
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"'{name}' is [{string.Join(", ", entry.Shape)}] in the file, [{string.Join(", ", parameter.shape)}] in the model");
            }
            else if (entry.DType != "F32")
            {
                problems.Add($"'{name}' is {entry.DType}, expected F32");
            }
        }

        return problems.Count == 0
            ? new(Name, AdapterCheckStatus.Passed, string.Create(CultureInfo.InvariantCulture, $"{expected.Count} float32 tensors match the model ({string.Join(", ", expected.Take(3).Select(p => $"{p.Name} [{string.Join(", ", p.Parameter.shape)}]"))}{(expected.Count > 3 ? ", ..." : string.Empty)})"))
            : new(Name, AdapterCheckStatus.Failed, string.Join("; ", problems));
    }

    private static AdapterCheck Counts(AdaptedClassifier model, IReadOnlyDictionary<string, SafetensorsEntry> header, CheckpointInfo info, AdapterConfig config, EncoderSource encoder)
    {
        long saved = header.Values.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        long built = model.Summary().Trainable;
        long formula = ParameterCounter.CountAdapter(config, AttentionArchitecture.FromBert(encoder.Config, encoder.Name)) + ParameterCounter.CountHead(encoder.Config.HiddenSize, info.NumLabels);
        string detail = string.Create(CultureInfo.InvariantCulture, $"saved {saved:N0}, checkpoint.json {info.Trainable:N0}, built model {built:N0}, ParameterCounter {formula:N0}");
        return new("trainable parameters", saved == built && info.Trainable == built && formula == built ? AdapterCheckStatus.Passed : AdapterCheckStatus.Failed, detail);
    }

    private static AdapterCheck Load(AdaptedClassifier model, string directory)
    {
        const string Name = "load (adapter config, frozen-weight fingerprint)";
        try
        {
            AdapterCheckpoint.LoadInto(model, directory);
            return new(Name, AdapterCheckStatus.Passed, "the configuration matches and the base weights are those the adapter was trained on");
        }
        catch (AdapterLoadException e)
        {
            return new(Name, AdapterCheckStatus.Failed, e.Message);
        }
    }

    private static AdapterCheck Finite(AdaptedClassifier model)
    {
        using var scope = NewDisposeScope();
        var bad = model.TrainableParameters().Where(p => !p.Parameter.isfinite().all().item<bool>()).Select(p => p.Name).ToList();
        return bad.Count == 0
            ? new("finite weights", AdapterCheckStatus.Passed, "every saved value is finite")
            : new("finite weights", AdapterCheckStatus.Failed, $"NaN or infinite values in [{string.Join(", ", bad)}]");
    }

    private static AdapterCheck NonNegativeK(AdaptedClassifier model, bool prefixBuilt)
    {
        const string Name = "k >= 0";
        if (model.Adapter is not NtkAttentionAdapter ntk)
        {
            return new(Name, AdapterCheckStatus.NotApplicable, $"not applicable (a '{model.AdapterConfig.Method}' adapter has no NTK-Attention normalizer k)");
        }

        if (ntk.Layers[0].Config.KParameterization == KParameterization.Signed)
        {
            return prefixBuilt
                ? new(Name, AdapterCheckStatus.NotApplicable, $"not applicable (k = k(P) of a prefix with Taylor features, signed by construction; the Theorem B row checks the state against {PrefixBoundCheck.PrefixSourceFile})")
                : new(Name, AdapterCheckStatus.Failed, $"k is signed, which only a state built from a prefix may be, but the folder has no {PrefixBoundCheck.PrefixSourceFile}; a trained k must stay >= 0 (abs or softplus)");
        }

        using var scope = NewDisposeScope();
        double min = double.PositiveInfinity;
        bool finite = true;
        foreach (var layer in ntk.Layers)
        {
            var k = layer.EffectiveK();
            finite &= k.isfinite().all().item<bool>();
            min = Math.Min(min, k.min().item<float>());
        }

        return finite && min >= 0
            ? new(Name, AdapterCheckStatus.Passed, string.Create(CultureInfo.InvariantCulture, $"smallest k over layers and heads {min:E3}"))
            : new(Name, AdapterCheckStatus.Failed, string.Create(CultureInfo.InvariantCulture, $"smallest k {min:E3}{(finite ? string.Empty : ", non-finite values")}"));
    }

    private static AdapterCheck Probe(AdaptedClassifier model, TokenBatch probe, Tensor saved, EncoderSource encoder, Tolerance tolerance, DevicePlacement placement)
    {
        const string Name = "probe outputs reproduced";
        var ids = probe.InputIds;
        var mask = probe.AttentionMask;
        if (ids.dim() != 2 || !mask.shape.SequenceEqual(ids.shape) || ids.shape[1] > encoder.Config.MaxPositions)
        {
            return new(Name, AdapterCheckStatus.Failed, $"the probe batch does not fit the model: input_ids [{string.Join(", ", ids.shape)}], attention_mask [{string.Join(", ", mask.shape)}], at most {encoder.Config.MaxPositions} positions");
        }

        if (ids.numel() > 0 && (ids.min().item<long>() < 0 || ids.max().item<long>() >= encoder.Config.VocabSize))
        {
            return new(Name, AdapterCheckStatus.Failed, $"the probe's token ids leave the vocabulary [0, {encoder.Config.VocabSize})");
        }

        if (!saved.shape.SequenceEqual([ids.shape[0], model.NumLabels]))
        {
            return new(Name, AdapterCheckStatus.Failed, $"saved logits are [{string.Join(", ", saved.shape)}], expected [{ids.shape[0]}, {model.NumLabels}]");
        }

        model.eval();
        double[] actual;
        model.to(placement.Device);
        try
        {
            using var forwardScope = NewDisposeScope();
            using var noGrad = no_grad();
            actual = model.forward(placement.Place(ids), placement.Place(mask)).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        }
        finally
        {
            model.to(CPU);   // the later checks read the CPU copy
        }

        using var scope = NewDisposeScope();
        var expected = saved.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        var comparison = tolerance.Compare(actual, expected);
        return new(Name, comparison.Passed ? AdapterCheckStatus.Passed : AdapterCheckStatus.Failed, string.Create(CultureInfo.InvariantCulture, $"{ids.shape[0]} sentences of up to {ids.shape[1]} tokens: {comparison}"));
    }

    private static AdapterCheck NotRun(string name) => new(name, AdapterCheckStatus.NotRun, "not run: the adapter did not load");

    private static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (AdapterLoadException)
        {
            throw;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or JsonException or ArgumentException or FormatException or OverflowException)
        {
            throw AdapterLoadException.For(path, e.Message, e);
        }
    }
}
