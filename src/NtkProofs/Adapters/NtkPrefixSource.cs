using System.Globalization;
using NtkProofs.IO;
using NtkProofs.Transformers;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The per-layer prefix an NTK-Attention adapter was computed from in closed form (<see cref="NtkPrefixAdapter"/>): keys
/// K_P and values V_P of every layer, each [H, m, d_h] float32 on the CPU. Saved with the adapter as
/// <see cref="FileName"/> (tensors <c>layers.{i}.keys</c> and <c>layers.{i}.values</c>), where <c>check-adapter</c> reads it
/// to compare the adapter with exact prefix attention (Theorem B). Owns its tensors.
/// </summary>
public sealed class NtkPrefixSource : IDisposable
{
    /// <summary>The file name inside an adapter folder.</summary>
    public const string FileName = "prefix_source.safetensors";

    private readonly Tensor[] keys;
    private readonly Tensor[] values;

    private NtkPrefixSource(Tensor[] keys, Tensor[] values)
    {
        this.keys = keys;
        this.values = values;
    }

    /// <summary>Number of layers.</summary>
    public int Layers => keys.Length;

    /// <summary>Prefix length m.</summary>
    public long Length => keys[0].shape[1];

    /// <summary>K_P of layer <paramref name="layer"/>, [H, m, d_h] (owned by this object).</summary>
    /// <param name="layer">Layer index.</param>
    public Tensor Keys(int layer) => keys[layer];

    /// <summary>V_P of layer <paramref name="layer"/>, [H, m, d_h] (owned by this object).</summary>
    /// <param name="layer">Layer index.</param>
    public Tensor Values(int layer) => values[layer];

    /// <summary>Copies the given per-layer keys and values (float32, CPU) after checking them against the encoder shape.</summary>
    /// <param name="baseConfig">The encoder the prefix belongs to.</param>
    /// <param name="prefix">One (K_P, V_P) pair per layer, each [H, m, d_h] with the same m (m &gt;= 1) in every layer.</param>
    public static NtkPrefixSource Create(BertConfig baseConfig, IReadOnlyList<(Tensor Keys, Tensor Values)> prefix)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(prefix);
        string? problem = Problem(baseConfig, prefix.Count, i => prefix[i].Keys, i => prefix[i].Values);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(prefix));
        }

        using var noGrad = no_grad();
        return new NtkPrefixSource(
            [.. prefix.Select(p => p.Keys.detach().to(ScalarType.Float32, CPU).contiguous().clone().DetachFromDisposeScope())],
            [.. prefix.Select(p => p.Values.detach().to(ScalarType.Float32, CPU).contiguous().clone().DetachFromDisposeScope())]);
    }

    /// <summary>Reads <see cref="FileName"/> from an adapter folder and checks it against the encoder shape.</summary>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    /// <exception cref="AdapterLoadException">The file is missing, damaged, or does not fit the encoder.</exception>
    public static NtkPrefixSource Load(string directory, BertConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(baseConfig);
        string path = Path.Combine(directory, FileName);
        IReadOnlyDictionary<string, SafetensorsEntry> header;
        try
        {
            header = SafetensorsHeader.Read(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException)
        {
            throw AdapterLoadException.For(path, e.Message, e);
        }

        var expected = Enumerable.Range(0, baseConfig.NumLayers).SelectMany(i => new[] { KeyName(i, "keys"), KeyName(i, "values") }).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(k => !header.ContainsKey(k)).ToList();
        var unexpected = header.Keys.Where(k => !expected.Contains(k)).ToList();
        var notFloat = header.Where(e => e.Value.DType != "F32").Select(e => e.Key).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || notFloat.Count > 0)
        {
            throw AdapterLoadException.For(path, $"expected F32 tensors layers.{{0..{baseConfig.NumLayers - 1}}}.keys/values" +
                (missing.Count > 0 ? $"; missing [{string.Join(", ", missing)}]" : string.Empty) +
                (unexpected.Count > 0 ? $"; unexpected [{string.Join(", ", unexpected)}]" : string.Empty) +
                (notFloat.Count > 0 ? $"; not F32: [{string.Join(", ", notFloat)}]" : string.Empty));
        }

        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = NtkProofs.IO.SafetensorsCpu.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw AdapterLoadException.For(path, e.Message, e);
        }

        var source = new NtkPrefixSource(
            [.. Enumerable.Range(0, baseConfig.NumLayers).Select(i => loaded[KeyName(i, "keys")])],
            [.. Enumerable.Range(0, baseConfig.NumLayers).Select(i => loaded[KeyName(i, "values")])]);
        string? problem = Problem(baseConfig, source.Layers, source.Keys, source.Values);
        if (problem is not null)
        {
            source.Dispose();
            throw AdapterLoadException.For(path, problem);
        }

        return source;
    }

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/> atomically.</summary>
    /// <param name="directory">The adapter folder (must exist).</param>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < Layers; i++)
        {
            state[KeyName(i, "keys")] = keys[i];
            state[KeyName(i, "values")] = values[i];
        }

        AtomicFile.Write(Path.Combine(directory, FileName), temp => Safetensors.SaveStateDict(temp, state));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in keys.Concat(values))
        {
            t.Dispose();
        }
    }

    private static string KeyName(int layer, string what) => string.Create(CultureInfo.InvariantCulture, $"layers.{layer}.{what}");

    private static string? Problem(BertConfig config, int layers, Func<int, Tensor> keysOf, Func<int, Tensor> valuesOf)
    {
        if (layers != config.NumLayers)
        {
            return $"the prefix has {layers} layers, the encoder {config.NumLayers}";
        }

        long m = -1;
        for (int i = 0; i < layers; i++)
        {
            var k = keysOf(i);
            var v = valuesOf(i);
            ArgumentNullException.ThrowIfNull(k);
            ArgumentNullException.ThrowIfNull(v);
            if (k.dim() != 3 || k.shape[0] != config.NumHeads || k.shape[2] != config.HeadDim || !v.shape.SequenceEqual(k.shape))
            {
                return $"layer {i}: prefix keys and values must both be [heads, m, d_h] = [{config.NumHeads}, m, {config.HeadDim}], got keys [{string.Join(", ", k.shape)}] and values [{string.Join(", ", v.shape)}] (dimension mismatch)";
            }

            if (!k.is_floating_point() || !v.is_floating_point())
            {
                return $"layer {i}: prefix keys and values must be floating point, got {k.dtype} and {v.dtype}";
            }

            if (k.shape[1] < 1 || (m >= 0 && k.shape[1] != m))
            {
                return $"layer {i}: every layer needs the same prefix length m >= 1, got {k.shape[1]}{(m >= 0 ? $" after {m}" : string.Empty)}";
            }

            m = k.shape[1];
        }

        return null;
    }
}
