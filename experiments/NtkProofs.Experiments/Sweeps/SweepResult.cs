using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// One finished point of a sweep, as stored on one line of a results file:
/// <c>{"key", "experiment", "index", "point", "result", "seconds", "finished_utc", "seed", "manifest"}</c>.
/// </summary>
/// <param name="Index">The point's position in the plan (see <see cref="SweepPlan"/>).</param>
/// <param name="Point">The resolved point (its <see cref="SweepPoint.Key"/> is the line's "key").</param>
/// <param name="Result">What the experiment returned.</param>
/// <param name="Seconds">Wall time of the point.</param>
/// <param name="FinishedUtc">When the point finished (UTC).</param>
/// <param name="Seed">The sweep's master seed.</param>
/// <param name="Manifest">Id of the run manifest of the run that computed the point (<c>manifests/&lt;id&gt;.json</c>); null when run without one.</param>
public sealed record SweepResult(int Index, SweepPoint Point, JsonObject Result, double Seconds, DateTime FinishedUtc, long Seed, string? Manifest)
{
    /// <summary>The point's stable key.</summary>
    public string Key => Point.Key;

    /// <summary>The experiment name.</summary>
    public string Experiment => Point.Experiment;

    /// <summary>The line's JSON object, fields in the documented order.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["key"] = Key,
            ["experiment"] = Experiment,
            ["index"] = Index,
            ["point"] = Point.ToJson(),
            ["result"] = Result.DeepClone(),
            ["seconds"] = Seconds,
            ["finished_utc"] = FinishedUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["seed"] = Seed,
        };
        if (Manifest is not null)
        {
            o["manifest"] = Manifest;
        }

        return o;
    }

    /// <summary>
    /// True when both lines record the same outcome: same key, same point and same result (timings and manifests may differ).
    /// </summary>
    /// <param name="other">The other line.</param>
    public bool SameOutcome(SweepResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Key == other.Key && Index == other.Index && Seed == other.Seed
            && JsonNode.DeepEquals(Point.ToJson(), other.Point.ToJson()) && JsonNode.DeepEquals(Result, other.Result);
    }

    /// <summary>
    /// Reads one line. Throws <see cref="InvalidDataException"/> naming <paramref name="where"/> and the field when a field is
    /// missing or of the wrong type, or when the key does not match the point (a line edited by hand or from another tool).
    /// </summary>
    /// <param name="line">The line's object.</param>
    /// <param name="where">"file:line" for messages.</param>
    public static SweepResult FromJson(JsonObject line, string where)
    {
        ArgumentNullException.ThrowIfNull(line);
        string key = RequireString(line, "key", where);
        string experiment = RequireString(line, "experiment", where);
        long index = RequireInteger(line, "index", where);
        if (index < 0 || index > int.MaxValue)
        {
            throw new InvalidDataException($"{where}: 'index' must be a non-negative integer, got {index}");
        }

        var pointJson = line["point"] as JsonObject ?? throw new InvalidDataException($"{where}: 'point' must be a JSON object");
        var result = line["result"] as JsonObject ?? throw new InvalidDataException($"{where}: 'result' must be a JSON object");
        double seconds = line["seconds"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.Number ? sv.GetValue<double>() : throw new InvalidDataException($"{where}: 'seconds' must be a number");
        string finishedText = RequireString(line, "finished_utc", where);
        if (!DateTime.TryParse(finishedText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var finished))
        {
            throw new InvalidDataException($"{where}: 'finished_utc' is not a date: \"{finishedText}\"");
        }

        long seed = RequireInteger(line, "seed", where);
        string? manifest = line["manifest"] switch
        {
            null => null,
            JsonValue mv when mv.GetValueKind() == JsonValueKind.String => mv.GetValue<string>(),
            _ => throw new InvalidDataException($"{where}: 'manifest' must be a string"),
        };

        var values = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (name, value) in pointJson)
        {
            values[name] = value is JsonValue ? value : throw new InvalidDataException($"{where}: point.{name} must be a scalar, got {value?.ToJsonString() ?? "null"}");
        }

        var point = new SweepPoint(experiment, values);
        if (point.Key != key)
        {
            throw new InvalidDataException($"{where}: 'key' {key} does not match its point (which hashes to {point.Key}); the line was altered");
        }

        return new SweepResult((int)index, point, (JsonObject)result.DeepClone(), seconds, finished, seed, manifest);
    }

    private static string RequireString(JsonObject o, string name, string where) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s
            ? s
            : throw new InvalidDataException($"{where}: '{name}' must be a non-empty string");

    private static long RequireInteger(JsonObject o, string name, string where) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out long l)
            ? l
            : throw new InvalidDataException($"{where}: '{name}' must be an integer");
}
