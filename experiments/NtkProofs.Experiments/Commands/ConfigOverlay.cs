using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// What a front command's flags change in one profile config: parameter defaults, replaced axes and the master seed. It is
/// written as a config that <c>extends</c> the profile's file, so the command runs exactly the sweep that config file would
/// run with <c>ntkproofs sweep</c> (and the report, when no flag is given).
/// </summary>
/// <param name="Base">The profile config the flags apply to.</param>
public sealed record ConfigOverlay(SweepConfig Base)
{
    /// <summary>Parameter defaults set by flags.</summary>
    public JsonObject Defaults { get; } = [];

    /// <summary>Axes replaced by flags (a list of values each).</summary>
    public JsonObject Sweep { get; } = [];

    /// <summary>The master seed, when a flag sets it.</summary>
    public long? Seed { get; set; }

    /// <summary>Whether the experiment has a parameter.</summary>
    /// <param name="name">Parameter name.</param>
    public bool Has(string name) => Base.Experiment.Parameters.Any(p => p.Name == name);

    /// <summary>Whether the config sweeps a parameter.</summary>
    /// <param name="name">Parameter name.</param>
    public bool Swept(string name) => Base.Axes.Any(a => a.Name == name);

    /// <summary>
    /// Sets a parameter to one value when a flag gave it (null: leave the config's): a swept parameter's axis is replaced by
    /// that single value, otherwise the default is set. Parameters the experiment does not have are left alone.
    /// </summary>
    /// <param name="name">Parameter name.</param>
    /// <param name="value">The flag's value, or null when the flag was not given.</param>
    public ConfigOverlay Set(string name, JsonNode? value)
    {
        if (value is null || !Has(name))
        {
            return this;
        }

        RequireFinite(name, value);

        if (Swept(name))
        {
            Sweep[name] = new JsonArray(value);
        }
        else
        {
            Defaults[name] = value;
        }

        return this;
    }

    /// <summary>Replaces (or adds) an axis when a flag gave values (null or empty: leave the config's).</summary>
    /// <param name="name">Parameter name.</param>
    /// <param name="values">The values, in order.</param>
    public ConfigOverlay Axis(string name, IEnumerable<JsonNode>? values)
    {
        var list = values?.ToList();
        if (list is not { Count: > 0 } || !Has(name))
        {
            return this;
        }

        foreach (var value in list)
        {
            RequireFinite(name, value);
        }

        Sweep[name] = new JsonArray([.. list]);
        return this;
    }

    /// <summary>Keeps only the items of an axis whose value satisfies <paramref name="keep"/> (the axis's own value, bundles kept whole).</summary>
    /// <param name="name">Parameter name.</param>
    /// <param name="keep">Which values to keep.</param>
    /// <exception cref="ArgumentException">No item is left.</exception>
    public ConfigOverlay Filter(string name, Func<JsonNode, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var axis = Base.Axes.FirstOrDefault(a => a.Name == name);
        if (axis is null)
        {
            return this;
        }

        var items = Enumerable.Range(0, axis.Values.Count).Where(i => keep(axis.Values[i])).Select(i => axis.Item(i).DeepClone()).ToList();
        if (items.Count == 0)
        {
            throw new ArgumentException($"no value of the config's '{name}' axis is left after the flag's limit");
        }

        Sweep[name] = new JsonArray([.. items]);
        return this;
    }

    private static void RequireFinite(string name, JsonNode value)
    {
        if (value is JsonValue v && v.TryGetValue<double>(out double d) && !double.IsFinite(d))
        {
            throw new ArgumentException(FormattableString.Invariant($"'{name}' must be a finite number, got {d}"));
        }
    }

    /// <summary>The overlay as a config file's JSON, extending <paramref name="basePath"/>.</summary>
    /// <param name="basePath">Full path of the profile config.</param>
    public JsonObject ToJson(string basePath)
    {
        var o = new JsonObject { ["extends"] = basePath };
        if (Seed is { } seed)
        {
            o["seed"] = seed;
        }

        if (Defaults.Count > 0)
        {
            o["defaults"] = Defaults.DeepClone();
        }

        if (Sweep.Count > 0)
        {
            o["sweep"] = Sweep.DeepClone();
        }

        return o;
    }
}
