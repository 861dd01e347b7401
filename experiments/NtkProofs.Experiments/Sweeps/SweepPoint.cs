using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// One resolved point of a sweep: the experiment name and a value for every parameter. Its <see cref="Key"/> is a hash of
/// the canonical JSON (parameters sorted by name), so the same point always has the same key across runs and machines.
/// </summary>
public sealed class SweepPoint
{
    private readonly SortedDictionary<string, JsonNode> values;

    /// <summary>Creates a point; values are deep-cloned.</summary>
    /// <param name="experiment">Experiment name.</param>
    /// <param name="values">Parameter values by name.</param>
    public SweepPoint(string experiment, IReadOnlyDictionary<string, JsonNode> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Experiment = experiment;
        this.values = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (k, v) in values)
        {
            this.values[k] = v.DeepClone();
        }

        Key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Experiment + "\n" + ToJson().ToJsonString())))[..16];
    }

    /// <summary>Experiment name.</summary>
    public string Experiment { get; }

    /// <summary>Stable 16-hex-digit key of this point.</summary>
    public string Key { get; }

    /// <summary>Parameter names, sorted.</summary>
    public IEnumerable<string> Names => values.Keys;

    /// <summary>An integer parameter.</summary>
    /// <param name="name">Parameter name.</param>
    public long Int(string name) => Get(name).GetValue<long>();

    /// <summary>A real parameter (integers are widened).</summary>
    /// <param name="name">Parameter name.</param>
    public double Real(string name)
    {
        var v = Get(name).AsValue();
        return v.TryGetValue<double>(out double d) ? d : v.GetValue<long>();
    }

    /// <summary>A text parameter.</summary>
    /// <param name="name">Parameter name.</param>
    public string Text(string name) => Get(name).GetValue<string>();

    /// <summary>A boolean parameter.</summary>
    /// <param name="name">Parameter name.</param>
    public bool Bool(string name) => Get(name).GetValue<bool>();

    /// <summary>The canonical JSON object of the values (sorted keys).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var (k, v) in values)
        {
            o[k] = v.DeepClone();
        }

        return o;
    }

    private JsonNode Get(string name) =>
        values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"point of '{Experiment}' has no parameter '{name}'", nameof(name));
}
