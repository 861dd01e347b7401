using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// Every point of a <see cref="SweepConfig"/>: the cartesian product of its axes, in a stable order — axes in the order the
/// config lists them, the last axis varying fastest (like nested loops, first axis outermost) — with 0-based indices.
/// A config without axes has one point (index 0). Each point holds a value for every parameter of the experiment: the axis
/// values, the parameters set by the point's bundles (<see cref="SweepAxis.Bound"/>), and the config's defaults.
/// </summary>
public sealed class SweepPlan
{
    private readonly Dictionary<string, PlannedPoint> byKey;

    /// <summary>Builds the plan of <paramref name="config"/>.</summary>
    /// <param name="config">The config.</param>
    public SweepPlan(SweepConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        var points = new List<PlannedPoint>();
        int count = config.Axes.Aggregate(1, (n, a) => checked(n * a.Values.Count));
        for (int index = 0; index < count; index++)
        {
            var values = new Dictionary<string, JsonNode>(config.Defaults, StringComparer.Ordinal);
            int rest = index;
            for (int a = config.Axes.Count - 1; a >= 0; a--)
            {
                var axis = config.Axes[a];
                int item = rest % axis.Values.Count;
                values[axis.Name] = axis.Values[item];
                foreach (var (name, value) in axis.BoundAt(item))
                {
                    values[name] = value;
                }

                rest /= axis.Values.Count;
            }

            points.Add(new PlannedPoint(index, new SweepPoint(config.Experiment.Name, values)));
        }

        Points = points;
        byKey = points.ToDictionary(p => p.Point.Key, StringComparer.Ordinal);
    }

    /// <summary>The config.</summary>
    public SweepConfig Config { get; }

    /// <summary>The experiment name.</summary>
    public string Experiment => Config.Experiment.Name;

    /// <summary>Every point, in plan order (<c>Points[i].Index == i</c>).</summary>
    public IReadOnlyList<PlannedPoint> Points { get; }

    /// <summary>The points of one shard (all points when <paramref name="shard"/> is null), in plan order.</summary>
    /// <param name="shard">The shard.</param>
    public IReadOnlyList<PlannedPoint> Select(ShardSpec? shard) =>
        shard is { } s ? [.. Points.Where(p => s.Contains(p.Index))] : Points;

    /// <summary>The planned point with key <paramref name="key"/>, or null.</summary>
    /// <param name="key">A <see cref="SweepPoint.Key"/>.</param>
    public PlannedPoint? Find(string key) => byKey.GetValueOrDefault(key);

    /// <summary>
    /// Checks that a stored result belongs to this plan (and shard): same experiment and master seed, a key of the plan, at
    /// the plan's index. Throws <see cref="InvalidDataException"/> naming <paramref name="where"/> otherwise.
    /// </summary>
    /// <param name="result">The stored result.</param>
    /// <param name="where">"file:line" for messages.</param>
    /// <param name="shard">The shard the file is for, if any.</param>
    public void Verify(SweepResult result, string where, ShardSpec? shard = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        string other = $"; it belongs to another experiment or config (use another --out for this config: {Config.Path})";
        if (result.Experiment != Experiment)
        {
            throw new InvalidDataException($"{where}: result of experiment '{result.Experiment}', but the config is for '{Experiment}'{other}");
        }

        if (result.Seed != Config.Seed)
        {
            throw new InvalidDataException($"{where}: result computed with master seed {result.Seed}, but the config's seed is {Config.Seed}{other}");
        }

        var planned = Find(result.Key) ?? throw new InvalidDataException($"{where}: point {result.Key} ({result.Point.ToJson().ToJsonString()}) is not a point of this config{other}");
        if (planned.Index != result.Index)
        {
            throw new InvalidDataException($"{where}: point {result.Key} is stored at index {result.Index} but the config puts it at {planned.Index} (axes reordered?){other}");
        }

        if (shard is { } s && !s.Contains(result.Index))
        {
            throw new InvalidDataException($"{where}: point {result.Index} ({result.Key}) is not in shard {s}; the file belongs to another shard");
        }
    }

    /// <summary>A short "name=value, ..." description of the swept values of a point (for progress and messages).</summary>
    /// <param name="point">The point.</param>
    public string Describe(SweepPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var json = point.ToJson();
        var names = Config.Axes.Count > 0 ? Config.Axes.SelectMany(a => ItemNames(a, json)) : json.Select(kv => kv.Key);
        return string.Join(", ", names.Select(n => $"{n}={json[n]?.ToJsonString()}"));
    }

    /// <summary>The axis's name and the parameters bundled with the item the point takes from it.</summary>
    private IEnumerable<string> ItemNames(SweepAxis axis, JsonObject point)
    {
        var bound = axis.BoundNames.ToList();
        for (int i = 0; i < axis.Values.Count; i++)
        {
            var item = axis.BoundAt(i);
            if (JsonNode.DeepEquals(axis.Values[i], point[axis.Name])
                && bound.All(name => JsonNode.DeepEquals(item.TryGetValue(name, out var v) ? v : Config.Defaults[name], point[name])))
            {
                return item.Keys.Prepend(axis.Name);
            }
        }

        return [axis.Name];
    }
}
