namespace NtkProofs.Experiments.Reports;

/// <summary>Report-wide inputs and output folders.</summary>
/// <param name="Profile">smoke, quick or full.</param>
/// <param name="OutputFolder">The report folder (REPORT.md lives here).</param>
/// <param name="Sweeps">Sweep results by config name.</param>
/// <param name="ReportCommand">The command that regenerates the whole report.</param>
public sealed record ReportContext(string Profile, string OutputFolder, IReadOnlyDictionary<string, SweepResults> Sweeps, string ReportCommand)
{
    /// <summary>Figures folder (PNG and SVG).</summary>
    public string FiguresFolder => Path.Combine(OutputFolder, "figures");

    /// <summary>Data folder (JSONL and CSV).</summary>
    public string DataFolder => Path.Combine(OutputFolder, "data");

    /// <summary>The committed full-profile performance run on a quiet machine (<see cref="Reports.CommittedBench"/>), or null.</summary>
    public CommittedBench? CommittedBench { get; init; }

    /// <summary>The sweep of a config, or null when it did not run in this profile.</summary>
    /// <param name="configName">Config name.</param>
    public SweepResults? Sweep(string configName) => Sweeps.TryGetValue(configName, out var s) ? s : null;

    /// <summary>The sweeps read from committed evidence (<see cref="DecisiveEvidence"/>) rather than run by this report, by config name.</summary>
    public IEnumerable<SweepResults> CommittedSweeps => Sweeps.Values.Where(s => s.Committed is not null).OrderBy(s => s.ConfigName, StringComparer.Ordinal);

    /// <summary>One sentence per config of <paramref name="configs"/> that is committed evidence (empty when the report ran them all).</summary>
    /// <param name="configs">Config names (a claim's <c>Configs</c>).</param>
    public IReadOnlyList<string> Provenance(IEnumerable<string> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        return [.. configs.Distinct(StringComparer.Ordinal).Select(Sweep).OfType<SweepResults>().Where(s => s.Committed is not null).Select(s => s.Committed!.Describe(s.ConfigName))];
    }

    /// <summary>The command that regenerates one config's data (and then the report).</summary>
    /// <param name="sweep">The sweep.</param>
    public string SweepCommand(SweepResults sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return sweep.Committed?.Command ?? $"./ntkproofs sweep {sweep.Experiment} --config {sweep.ConfigPath}";
    }
}
