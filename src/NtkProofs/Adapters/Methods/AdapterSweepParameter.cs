using System.Text.Json.Nodes;

namespace NtkProofs.Adapters;

/// <summary>
/// One parameter a method adds to the <c>finetune</c> sweep experiment (e.g. LoRA's <c>rank</c>). Its value at the default
/// means "not set"; the experiment rejects a non-default value on a point of another method.
/// </summary>
/// <param name="Name">The sweep parameter name (unique over all methods).</param>
/// <param name="Kind">Its value type.</param>
/// <param name="Default">The default value.</param>
/// <param name="Description">One line for the experiment's help.</param>
/// <param name="Min">Smallest allowed value (numbers only).</param>
/// <param name="Max">Largest allowed value (numbers only).</param>
public sealed record AdapterSweepParameter(string Name, AdapterSweepKind Kind, JsonNode Default, string Description, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity)
{
    /// <summary>A whole-number parameter.</summary>
    /// <param name="name">Name.</param>
    /// <param name="default">Default.</param>
    /// <param name="description">Help line.</param>
    /// <param name="min">Minimum.</param>
    /// <param name="max">Maximum.</param>
    public static AdapterSweepParameter Int(string name, long @default, string description, long min, long max) =>
        new(name, AdapterSweepKind.Int, JsonValue.Create(@default), description, min, max);

    /// <summary>A real-number parameter.</summary>
    /// <param name="name">Name.</param>
    /// <param name="default">Default.</param>
    /// <param name="description">Help line.</param>
    /// <param name="min">Minimum.</param>
    /// <param name="max">Maximum.</param>
    public static AdapterSweepParameter Real(string name, double @default, string description, double min, double max) =>
        new(name, AdapterSweepKind.Real, JsonValue.Create(@default), description, min, max);

    /// <summary>A text parameter.</summary>
    /// <param name="name">Name.</param>
    /// <param name="default">Default.</param>
    /// <param name="description">Help line.</param>
    public static AdapterSweepParameter Text(string name, string @default, string description) =>
        new(name, AdapterSweepKind.Text, JsonValue.Create(@default), description);
}
