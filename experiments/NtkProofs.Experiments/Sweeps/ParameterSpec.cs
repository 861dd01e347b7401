using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>The scalar kinds a sweep parameter can have.</summary>
public enum ParameterKind
{
    /// <summary>A whole number (JSON integer).</summary>
    Integer,

    /// <summary>A real number.</summary>
    Real,

    /// <summary>A string from <see cref="ParameterSpec.Allowed"/>, or any string when that is empty.</summary>
    Text,

    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>A typed experiment parameter with its default and its valid range.</summary>
/// <param name="Name">Key in configs and results.</param>
/// <param name="Kind">Scalar kind.</param>
/// <param name="Default">Default value (a JSON scalar of the right kind).</param>
/// <param name="Description">What it controls.</param>
/// <param name="Min">Smallest valid value (numbers), inclusive.</param>
/// <param name="Max">Largest valid value (numbers), inclusive.</param>
/// <param name="Allowed">Valid strings (text); empty means any.</param>
public sealed record ParameterSpec(string Name, ParameterKind Kind, JsonNode Default, string Description, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity, IReadOnlyList<string>? Allowed = null)
{
    /// <summary>An integer parameter.</summary>
    public static ParameterSpec Int(string name, long @default, string description, long min = long.MinValue, long max = long.MaxValue) =>
        new(name, ParameterKind.Integer, JsonValue.Create(@default), description, min, max);

    /// <summary>A real parameter.</summary>
    public static ParameterSpec Real(string name, double @default, string description, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        new(name, ParameterKind.Real, JsonValue.Create(@default), description, min, max);

    /// <summary>A text parameter restricted to <paramref name="allowed"/> (any string when empty).</summary>
    public static ParameterSpec Text(string name, string @default, string description, params string[] allowed) =>
        new(name, ParameterKind.Text, JsonValue.Create(@default), description, Allowed: allowed);

    /// <summary>A boolean parameter.</summary>
    public static ParameterSpec Bool(string name, bool @default, string description) =>
        new(name, ParameterKind.Boolean, JsonValue.Create(@default), description);

    /// <summary>
    /// Checks a value against this spec and returns it normalized (integers as long, reals as double).
    /// Throws <see cref="ArgumentException"/> naming the parameter, the value and the valid range.
    /// </summary>
    /// <param name="value">The configured value.</param>
    /// <param name="where">Where the value came from (file and key), for the message.</param>
    public JsonNode Validate(JsonNode? value, string where)
    {
        string shown = value?.ToJsonString() ?? "null";
        switch (Kind)
        {
            case ParameterKind.Integer:
                if (value is JsonValue iv && iv.GetValueKind() == JsonValueKind.Number && double.TryParse(iv.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double id) && id == Math.Floor(id) && Math.Abs(id) < 9e15)
                {
                    RequireRange(id, where, shown);
                    return JsonValue.Create((long)id);
                }

                throw new ArgumentException($"{where}: '{Name}' must be an integer, got {shown}");
            case ParameterKind.Real:
                if (value is JsonValue rv && rv.GetValueKind() == JsonValueKind.Number && double.TryParse(rv.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double rd) && double.IsFinite(rd))
                {
                    RequireRange(rd, where, shown);
                    return JsonValue.Create(rd);
                }

                throw new ArgumentException($"{where}: '{Name}' must be a finite number, got {shown}");
            case ParameterKind.Text:
                if (value is JsonValue tv && tv.GetValueKind() == JsonValueKind.String)
                {
                    string text = tv.GetValue<string>();
                    if (Allowed is { Count: > 0 } && !Allowed.Contains(text))
                    {
                        throw new ArgumentException($"{where}: '{Name}' must be one of {string.Join(", ", Allowed)}; got \"{text}\"");
                    }

                    return JsonValue.Create(text);
                }

                throw new ArgumentException($"{where}: '{Name}' must be a string, got {shown}");
            default:
                if (value is JsonValue bv && bv.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(bv.GetValue<bool>());
                }

                throw new ArgumentException($"{where}: '{Name}' must be true or false, got {shown}");
        }
    }

    private void RequireRange(double v, string where, string shown)
    {
        if (v < Min || v > Max)
        {
            throw new ArgumentException(FormattableString.Invariant($"{where}: '{Name}' = {shown} is out of range [{Min}, {Max}]"));
        }
    }
}
