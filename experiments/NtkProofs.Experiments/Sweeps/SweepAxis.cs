using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>One swept parameter: its name and its values, validated and in the order the config lists them.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Values">The values (normalized by <see cref="ParameterSpec.Validate"/>), at least one, no duplicates.</param>
/// <param name="Source">The config file that defined the axis.</param>
public sealed record SweepAxis(string Name, IReadOnlyList<JsonNode> Values, string Source);
