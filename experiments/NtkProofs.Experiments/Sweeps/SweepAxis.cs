using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// One swept parameter: its name and its values, validated and in the order the config lists them. An item of a list
/// axis may be a bundle (<c>{"method": "lora", "rank": 4}</c>) that also sets other parameters at that item's points only;
/// <see cref="Bound"/> holds those other values, item by item.
/// </summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Values">The values (normalized by <see cref="ParameterSpec.Validate"/>), at least one, no item twice.</param>
/// <param name="Source">The config file that defined the axis.</param>
/// <param name="Bound">Per item, the other parameters its bundle sets (sorted by name; empty for a plain value); null when no item is a bundle.</param>
public sealed record SweepAxis(string Name, IReadOnlyList<JsonNode> Values, string Source, IReadOnlyList<IReadOnlyDictionary<string, JsonNode>>? Bound = null)
{
    private static readonly IReadOnlyDictionary<string, JsonNode> Nothing = new Dictionary<string, JsonNode>();

    /// <summary>The parameters other than <see cref="Name"/> that item <paramref name="index"/> sets (empty for a plain value).</summary>
    /// <param name="index">Item index.</param>
    public IReadOnlyDictionary<string, JsonNode> BoundAt(int index) => Bound is null ? Nothing : Bound[index];

    /// <summary>Every parameter some bundle of this axis sets, besides <see cref="Name"/>.</summary>
    public IEnumerable<string> BoundNames => Bound is null ? [] : Bound.SelectMany(b => b.Keys).Distinct(StringComparer.Ordinal);

    /// <summary>Item <paramref name="index"/> as JSON: the value, or the bundle object (axis parameter first, the others sorted).</summary>
    /// <param name="index">Item index.</param>
    public JsonNode Item(int index)
    {
        var bound = BoundAt(index);
        if (bound.Count == 0)
        {
            return Values[index].DeepClone();
        }

        var o = new JsonObject { [Name] = Values[index].DeepClone() };
        foreach (var (name, value) in bound)
        {
            o[name] = value.DeepClone();
        }

        return o;
    }
}
