using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Reports.Claims;

/// <summary>A sweep point with its typed result.</summary>
/// <typeparam name="T">The experiment's result record.</typeparam>
/// <param name="Point">The resolved point (its parameters).</param>
/// <param name="Result">The typed result.</param>
public sealed record TypedRecord<T>(SweepPoint Point, T Result);

/// <summary>Typed access to the report's sweeps for <see cref="IClaim.Evaluate"/>: no string-keyed lookups in claim code.</summary>
/// <param name="Context">The report context (profile, folders, sweeps).</param>
public sealed record ClaimInputs(ReportContext Context)
{
    /// <summary>The profile (smoke, quick, full, ...).</summary>
    public string Profile => Context.Profile;

    /// <summary>Whether a config's sweep ran in this report.</summary>
    /// <param name="config">Config name.</param>
    public bool Ran(string config) => Context.Sweep(config) is { Records.Count: > 0 };

    /// <summary>The typed results of a config's sweep, or null when it did not run.</summary>
    /// <typeparam name="T">The experiment's result record (as returned by its <see cref="TypedExperiment{T}.Measure"/>).</typeparam>
    /// <param name="config">Config name.</param>
    public IReadOnlyList<TypedRecord<T>>? Results<T>(string config)
    {
        var sweep = Context.Sweep(config);
        if (sweep is null || sweep.Records.Count == 0)
        {
            return null;
        }

        return sweep.Records.Select(r => new TypedRecord<T>(r.Point, ResultJson.Read<T>(r.Result))).ToList();
    }

    /// <summary>The command that regenerates one config's sweep (then the report).</summary>
    /// <param name="config">Config name.</param>
    public string Command(string config)
    {
        var sweep = Context.Sweep(config);
        return sweep is null ? Context.ReportCommand : Context.SweepCommand(sweep);
    }
}

/// <summary>The one JSON form of typed experiment results (snake_case names, NaN and infinities allowed).</summary>
public static class ResultJson
{
    /// <summary>Serializer options shared by every typed experiment and the report.</summary>
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>A typed result as the JSON object stored in a sweep's JSON lines.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="result">The result.</param>
    public static JsonObject Write<T>(T result) =>
        System.Text.Json.JsonSerializer.SerializeToNode(result, Options) as JsonObject
        ?? throw new InvalidOperationException($"{typeof(T).Name} did not serialize to a JSON object");

    /// <summary>Reads a stored JSON object back into its typed result.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="json">The stored object.</param>
    public static T Read<T>(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return System.Text.Json.JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"a stored result did not read as {typeof(T).Name}");
    }
}
