using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Reports;

/// <summary>One finished sweep point as the report reads it.</summary>
/// <param name="Point">The resolved point.</param>
/// <param name="Result">The experiment's JSON result.</param>
public sealed record SweepRecord(SweepPoint Point, JsonObject Result);

/// <summary>All records of one config of a profile.</summary>
/// <param name="ConfigName">Config file stem, e.g. "concentration".</param>
/// <param name="ConfigPath">Path of the config file, relative to the repository root (for regenerate commands).</param>
/// <param name="Experiment">Experiment name.</param>
/// <param name="Records">The records in plan order.</param>
/// <param name="Committed">Null when the report ran the sweep; else where its committed lines came from (<see cref="DecisiveEvidence"/>).</param>
public sealed record SweepResults(string ConfigName, string ConfigPath, string Experiment, IReadOnlyList<SweepRecord> Records, CommittedEvidence? Committed = null);
