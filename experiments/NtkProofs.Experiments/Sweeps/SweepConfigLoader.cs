using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// Reads config files and their <c>extends</c> chains into a <see cref="SweepConfig"/> (the format is documented in
/// experiments/configs/README.md). Structural problems are found per file; parameter values are validated after the chain
/// is merged, against the experiment's <see cref="ParameterSpec"/> list, with messages naming the file that set them.
/// </summary>
internal static class SweepConfigLoader
{
    /// <summary>The keys a config file may have at the top level.</summary>
    public static readonly string[] TopLevelKeys = ["experiment", "description", "seed", "extends", "defaults", "sweep"];

    /// <summary>Most values one axis may expand to.</summary>
    public const int MaxAxisValues = 100_000;

    /// <summary>Most points one config may have.</summary>
    public const int MaxPoints = 1_000_000;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
    };

    /// <summary>Loads and validates a config.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="resolve">Finds the experiment a config names (throws <see cref="ArgumentException"/> when unknown).</param>
    public static SweepConfig Load(string path, Func<string, IExperiment> resolve)
    {
        var raw = LoadRaw(path, [], null);
        if (raw.Experiment is null)
        {
            throw new ArgumentException($"{raw.File}: missing key 'experiment' (the name of the experiment to sweep){(raw.Chain.Count > 1 ? " in the file or the configs it extends" : "")}");
        }

        IExperiment experiment;
        try
        {
            experiment = resolve(raw.Experiment.Value.Value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{raw.Experiment.Value.Source}: 'experiment': {e.Message}", e);
        }

        return Resolve(raw, experiment);
    }

    private static SweepConfig Resolve(RawConfig raw, IExperiment experiment)
    {
        var specs = experiment.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var defaults = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var spec in experiment.Parameters)
        {
            defaults[spec.Name] = spec.Validate(spec.Default, $"experiment '{experiment.Name}' (built-in default)");
        }

        foreach (var entry in raw.Defaults)
        {
            var spec = Spec(specs, entry, "defaults", experiment);
            defaults[entry.Name] = spec.Validate(entry.Value, $"{entry.Source}: defaults");
        }

        var axes = new List<SweepAxis>();
        long points = 1;
        foreach (var entry in raw.Axes)
        {
            var spec = Spec(specs, entry, "sweep", experiment);
            var axis = Expand(spec, specs, entry.Value!, $"{entry.Source}: sweep.{entry.Name}", entry.Source);
            axes.Add(axis);
            points *= axis.Values.Count;
            if (points > MaxPoints)
            {
                throw new ArgumentException($"{entry.Source}: sweep: the axes up to '{entry.Name}' already give {points:N0} points, more than the limit of {MaxPoints:N0}; split the config");
            }
        }

        foreach (var axis in axes)
        {
            foreach (string bound in axis.BoundNames)
            {
                if (axes.FirstOrDefault(a => a.Name == bound) is { } other)
                {
                    throw new ArgumentException($"{axis.Source}: sweep.{axis.Name}: a bundle sets '{bound}', which is also an axis ({other.Source}: sweep.{bound}); a parameter is either swept or bundled");
                }

                if (axes.FirstOrDefault(a => a != axis && a.BoundNames.Contains(bound, StringComparer.Ordinal)) is { } twice)
                {
                    throw new ArgumentException($"{axis.Source}: sweep.{axis.Name}: a bundle sets '{bound}', which bundles of sweep.{twice.Name} set too; bundle it in one axis only");
                }
            }
        }

        return new SweepConfig(
            raw.File,
            raw.Chain,
            experiment,
            raw.Description?.Value ?? "",
            raw.Seed?.Value ?? Numerics.Seeds.Master,
            defaults,
            axes);
    }

    private static ParameterSpec Spec(Dictionary<string, ParameterSpec> specs, RawEntry entry, string section, IExperiment experiment) =>
        specs.TryGetValue(entry.Name, out var spec)
            ? spec
            : throw new ArgumentException($"{entry.Source}: {section}.{entry.Name}: unknown parameter '{entry.Name}' of experiment '{experiment.Name}'{NameSuggestion.For(entry.Name, specs.Keys)}; its parameters are {string.Join(", ", specs.Keys)}");

    private static SweepAxis Expand(ParameterSpec spec, Dictionary<string, ParameterSpec> specs, JsonNode axis, string where, string source)
    {
        List<JsonNode> values;
        List<IReadOnlyDictionary<string, JsonNode>>? bound = null;
        if (axis is JsonArray array)
        {
            if (array.Count == 0)
            {
                throw new ArgumentException($"{where}: the axis is empty (give at least one value)");
            }

            values = [];
            var bundles = new List<IReadOnlyDictionary<string, JsonNode>>();
            for (int i = 0; i < array.Count; i++)
            {
                string at = FormattableString.Invariant($"{where}[{i}]");
                if (array[i] is JsonObject bundle)
                {
                    var (value, others) = ExpandBundle(spec, specs, bundle, at);
                    values.Add(value);
                    bundles.Add(others);
                }
                else
                {
                    values.Add(spec.Validate(array[i], at));
                    bundles.Add(new SortedDictionary<string, JsonNode>(StringComparer.Ordinal));
                }
            }

            bound = bundles.Any(b => b.Count > 0) ? bundles : null;
        }
        else
        {
            var o = (JsonObject)axis;
            if (o.Count != 1 || (o.First().Key is not ("pow2" or "range")))
            {
                throw new ArgumentException($"{where}: an axis object must be exactly one of {{\"pow2\": [from, to]}} or {{\"range\": [from, to, step]}}, got {o.ToJsonString()}");
            }

            if (spec.Kind is not (ParameterKind.Integer or ParameterKind.Real))
            {
                throw new ArgumentException($"{where}: '{o.First().Key}' needs a numeric parameter, but '{spec.Name}' is {spec.Kind.ToString().ToLowerInvariant()}; list the values instead");
            }

            values = o.First().Key == "pow2" ? ExpandPow2(spec, o["pow2"], where) : ExpandRange(spec, o["range"], where);
        }

        var result = new SweepAxis(spec.Name, values, source, bound);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < values.Count; i++)
        {
            string item = result.Item(i).ToJsonString();
            if (!seen.Add(item))
            {
                throw new ArgumentException($"{where}: value {item} appears twice (every point of a sweep must be distinct)");
            }
        }

        return result;
    }

    /// <summary>Validates a bundle item: it must set the axis parameter, and every other key must be a parameter.</summary>
    private static (JsonNode Value, IReadOnlyDictionary<string, JsonNode> Others) ExpandBundle(ParameterSpec spec, Dictionary<string, ParameterSpec> specs, JsonObject bundle, string where)
    {
        if (!bundle.ContainsKey(spec.Name))
        {
            throw new ArgumentException($"{where}: a bundle must set the axis parameter '{spec.Name}', got {bundle.ToJsonString()}");
        }

        var others = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (name, value) in bundle)
        {
            if (name == spec.Name)
            {
                continue;
            }

            var other = specs.TryGetValue(name, out var s)
                ? s
                : throw new ArgumentException($"{where}: unknown parameter '{name}' in a bundle{NameSuggestion.For(name, specs.Keys)}; the parameters are {string.Join(", ", specs.Keys)}");
            others[name] = other.Validate(value, $"{where}.{name}");
        }

        return (spec.Validate(bundle[spec.Name], $"{where}.{spec.Name}"), others);
    }

    private static List<JsonNode> ExpandPow2(ParameterSpec spec, JsonNode? bounds, string where)
    {
        if (bounds is not JsonArray { Count: 2 } b || !TryInteger(b[0], out long from) || !TryInteger(b[1], out long to))
        {
            throw new ArgumentException($"{where}: \"pow2\" must be [from, to] with whole exponents, got {bounds?.ToJsonString() ?? "null"}");
        }

        if (from < 0 || to > 62 || from > to)
        {
            throw new ArgumentException(FormattableString.Invariant($"{where}: \"pow2\": [{from}, {to}] needs 0 <= from <= to <= 62"));
        }

        return [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(e => spec.Validate(JsonValue.Create(1L << e), FormattableString.Invariant($"{where} (2^{e})")))];
    }

    private static List<JsonNode> ExpandRange(ParameterSpec spec, JsonNode? bounds, string where)
    {
        if (bounds is not JsonArray { Count: 3 } b || !TryNumber(b[0], out double from) || !TryNumber(b[1], out double to) || !TryNumber(b[2], out double step))
        {
            throw new ArgumentException($"{where}: \"range\" must be [from, to, step] with finite numbers, got {bounds?.ToJsonString() ?? "null"}");
        }

        if (step == 0 || (to - from) * step < 0)
        {
            throw new ArgumentException($"{where}: \"range\": {b.ToJsonString()} is empty or endless (step must be non-zero and point from 'from' towards 'to')");
        }

        double steps = Math.Floor(((to - from) / step) + 1e-9);
        if (steps + 1 > MaxAxisValues)
        {
            throw new ArgumentException($"{where}: \"range\": {b.ToJsonString()} gives {steps + 1:N0} values, more than the limit of {MaxAxisValues:N0}");
        }

        var values = new List<JsonNode>();
        if (spec.Kind == ParameterKind.Integer)
        {
            if (!TryInteger(b[0], out long ifrom) || !TryInteger(b[2], out long istep) || !TryInteger(b[1], out _))
            {
                throw new ArgumentException($"{where}: \"range\" of integer parameter '{spec.Name}' needs whole from, to and step, got {b.ToJsonString()}");
            }

            for (long k = 0; k <= (long)steps; k++)
            {
                values.Add(spec.Validate(JsonValue.Create(ifrom + (k * istep)), FormattableString.Invariant($"{where} (value {k})")));
            }
        }
        else
        {
            for (long k = 0; k <= (long)steps; k++)
            {
                values.Add(spec.Validate(JsonValue.Create(from + (k * step)), FormattableString.Invariant($"{where} (value {k})")));
            }
        }

        return values;
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (!TryNumber(node, out double d) || d != Math.Floor(d) || Math.Abs(d) >= 9e15)
        {
            return false;
        }

        value = (long)d;
        return true;
    }

    private static RawConfig LoadRaw(string path, List<string> stack, string? includedFrom)
    {
        string full = Path.GetFullPath(path);
        if (stack.Contains(full))
        {
            throw new ArgumentException($"{includedFrom}: 'extends' forms a cycle: {string.Join(" -> ", stack.Append(full))}");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException(includedFrom is null ? $"config file not found: {full}" : $"{includedFrom}: 'extends': config file not found: {full}", full);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(full), documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            string at = e.LineNumber is long line ? FormattableString.Invariant($" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}") : "";
            throw new InvalidDataException($"{full}: malformed JSON{at}: {JsonLinesReader.ShortMessage(e)}", e);
        }

        if (node is not JsonObject root)
        {
            throw new InvalidDataException($"{full}: a config must be a JSON object {{\"experiment\": ..., \"defaults\": {{...}}, \"sweep\": {{...}}}}, got {node?.GetValueKind().ToString() ?? "null"}");
        }

        foreach (var (key, _) in root)
        {
            if (!TopLevelKeys.Contains(key))
            {
                throw new ArgumentException($"{full}: unknown key '{key}'{NameSuggestion.For(key, TopLevelKeys)}; a config has only {string.Join(", ", TopLevelKeys)}");
            }
        }

        var raw = new RawConfig(full);
        if (root["extends"] is { } extends)
        {
            string relative = StringValue(extends, full, "extends");
            stack.Add(full);
            var parent = LoadRaw(Path.Combine(Path.GetDirectoryName(full)!, relative), stack, full);
            stack.RemoveAt(stack.Count - 1);
            raw.Chain.AddRange(parent.Chain);
            raw.Experiment = parent.Experiment;
            raw.Description = parent.Description;
            raw.Seed = parent.Seed;
            raw.Defaults.AddRange(parent.Defaults);
            raw.Axes.AddRange(parent.Axes);
        }

        if (root.ContainsKey("experiment"))
        {
            string name = StringValue(root["experiment"], full, "experiment");
            if (raw.Experiment is { } inherited && inherited.Value != name)
            {
                throw new ArgumentException($"{full}: 'experiment' is '{name}' but the config it extends ({inherited.Source}) is for '{inherited.Value}'");
            }

            raw.Experiment = (name, full);
        }

        if (root.ContainsKey("description"))
        {
            raw.Description = (StringValue(root["description"], full, "description", allowEmpty: true), full);
        }

        if (root.ContainsKey("seed"))
        {
            raw.Seed = TryInteger(root["seed"], out long seed)
                ? (seed, full)
                : throw new ArgumentException($"{full}: 'seed' must be a whole number, got {root["seed"]?.ToJsonString() ?? "null"}");
        }

        if (root.ContainsKey("defaults"))
        {
            if (root["defaults"] is not JsonObject defaults)
            {
                throw new ArgumentException($"{full}: 'defaults' must be an object {{\"parameter\": value, ...}}, got {root["defaults"]?.ToJsonString() ?? "null"}");
            }

            foreach (var (name, value) in defaults)
            {
                Override(raw.Defaults, new RawEntry(name, value?.DeepClone(), full));
            }
        }

        if (root.ContainsKey("sweep"))
        {
            if (root["sweep"] is not JsonObject sweep)
            {
                throw new ArgumentException($"{full}: 'sweep' must be an object {{\"parameter\": [values] | {{\"pow2\": [from, to]}} | {{\"range\": [from, to, step]}}}}, got {root["sweep"]?.ToJsonString() ?? "null"}");
            }

            // The axes this file lists replace inherited ones of the same name and come after the inherited axes it does
            // not mention, in this file's order; null removes an inherited axis.
            var listed = new List<RawEntry>();
            foreach (var (name, value) in sweep)
            {
                switch (value)
                {
                    case null:
                        if (raw.Axes.RemoveAll(a => a.Name == name) == 0)
                        {
                            throw new ArgumentException($"{full}: sweep.{name}: null removes an inherited axis, but no config this one extends sweeps '{name}'");
                        }

                        break;
                    case JsonArray or JsonObject:
                        raw.Axes.RemoveAll(a => a.Name == name);
                        listed.Add(new RawEntry(name, value.DeepClone(), full));
                        break;
                    default:
                        throw new ArgumentException($"{full}: sweep.{name} must be a list of values, {{\"pow2\": [from, to]}} or {{\"range\": [from, to, step]}}, got {value.ToJsonString()} (a single value belongs in 'defaults')");
                }
            }

            raw.Axes.AddRange(listed);
        }

        raw.Chain.Insert(0, full);
        return raw;
    }

    private static void Override(List<RawEntry> entries, RawEntry entry)
    {
        int i = entries.FindIndex(e => e.Name == entry.Name);
        if (i >= 0)
        {
            entries[i] = entry;
        }
        else
        {
            entries.Add(entry);
        }
    }

    private static string StringValue(JsonNode? node, string file, string key, bool allowEmpty = false) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && (allowEmpty || v.GetValue<string>().Length > 0)
            ? v.GetValue<string>()
            : throw new ArgumentException($"{file}: '{key}' must be a {(allowEmpty ? "" : "non-empty ")}string, got {node?.ToJsonString() ?? "null"}");

    private sealed record RawEntry(string Name, JsonNode? Value, string Source);

    private sealed class RawConfig(string file)
    {
        public string File { get; } = file;

        public List<string> Chain { get; } = [];

        public (string Value, string Source)? Experiment { get; set; }

        public (string Value, string Source)? Description { get; set; }

        public (long Value, string Source)? Seed { get; set; }

        public List<RawEntry> Defaults { get; } = [];

        public List<RawEntry> Axes { get; } = [];
    }
}
