using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Commands;

/// <summary>What a front command wrote.</summary>
/// <param name="Folder">The output folder.</param>
/// <param name="Lines">The sweep lines by config name, in plan order.</param>
/// <param name="Claims">The claims evaluated, with their results.</param>
public sealed record FrontOutcome(string Folder, IReadOnlyDictionary<string, IReadOnlyList<SweepResult>> Lines, IReadOnlyList<(string Id, ClaimResult Result)> Claims);
