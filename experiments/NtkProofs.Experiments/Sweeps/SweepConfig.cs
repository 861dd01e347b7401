using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// A validated sweep config: the experiment, the master seed, a value for every parameter (the spec default unless the
/// config's "defaults" sets it) and the swept axes in file order. Load one with <see cref="Load(string)"/>; the file format
/// (including "extends", "pow2" and "range") is documented in experiments/configs/README.md.
/// </summary>
public sealed class SweepConfig
{
    internal SweepConfig(string path, IReadOnlyList<string> files, IExperiment experiment, string description, long seed, IReadOnlyDictionary<string, JsonNode> defaults, IReadOnlyList<SweepAxis> axes)
    {
        Path = path;
        Files = files;
        Experiment = experiment;
        Description = description;
        Seed = seed;
        Defaults = defaults;
        Axes = axes;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson().ToJsonString())));
    }

    /// <summary>The config file (full path).</summary>
    public string Path { get; }

    /// <summary>The file and the files it extends, nearest first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The experiment the config runs.</summary>
    public IExperiment Experiment { get; }

    /// <summary>The config's "description" ("" when absent).</summary>
    public string Description { get; }

    /// <summary>The master seed ("seed"; <see cref="Numerics.Seeds.Master"/> when absent).</summary>
    public long Seed { get; }

    /// <summary>A validated value for every parameter of the experiment (swept parameters included; their axis wins).</summary>
    public IReadOnlyDictionary<string, JsonNode> Defaults { get; }

    /// <summary>The swept parameters in the order the config lists them (inherited axes first, in their base order).</summary>
    public IReadOnlyList<SweepAxis> Axes { get; }

    /// <summary>SHA-256 (hex) of the resolved config (<see cref="ToJson"/>): equal for configs that define the same sweep.</summary>
    public string Fingerprint { get; }

    /// <summary>Loads and validates a config, resolving its experiment in <see cref="ExperimentRegistry"/>.</summary>
    /// <param name="path">The config file.</param>
    /// <exception cref="FileNotFoundException">The file, or a file it extends, does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON (the message gives line and position) or not an object.</exception>
    /// <exception cref="ArgumentException">An unknown key or parameter, a wrong type, an out-of-range value, an empty axis, an extends cycle; the message names the file and the key.</exception>
    public static SweepConfig Load(string path) => Load(path, ExperimentRegistry.Get);

    /// <summary>Loads and validates a config, resolving its experiment with <paramref name="resolve"/>.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="resolve">Finds an experiment by name; throws <see cref="ArgumentException"/> for unknown names.</param>
    public static SweepConfig Load(string path, Func<string, IExperiment> resolve)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(resolve);
        return SweepConfigLoader.Load(path, resolve);
    }

    /// <summary>Loads a config that must be for <paramref name="experiment"/>.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="experiment">The experiment.</param>
    public static SweepConfig Load(string path, IExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return Load(path, name => name == experiment.Name ? experiment : throw new ArgumentException($"this config is for '{name}', expected '{experiment.Name}'"));
    }

    /// <summary>The plan: every point of the sweep, in the documented order.</summary>
    public SweepPlan Plan() => new(this);

    /// <summary>The resolved config as canonical JSON: experiment, seed, every parameter's default (sorted), the axes in order.</summary>
    public JsonObject ToJson()
    {
        var defaults = new JsonObject();
        foreach (var (name, value) in Defaults.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            defaults[name] = value.DeepClone();
        }

        var sweep = new JsonArray();
        foreach (var axis in Axes)
        {
            sweep.Add(new JsonObject { ["name"] = axis.Name, ["values"] = new JsonArray([.. axis.Values.Select((_, i) => axis.Item(i))]) });
        }

        return new JsonObject
        {
            ["experiment"] = Experiment.Name,
            ["seed"] = Seed,
            ["defaults"] = defaults,
            ["sweep"] = sweep,
        };
    }
}
