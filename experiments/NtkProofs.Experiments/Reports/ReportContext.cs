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

    /// <summary>The sweep of a config, or null when it did not run in this profile.</summary>
    /// <param name="configName">Config name.</param>
    public SweepResults? Sweep(string configName) => Sweeps.TryGetValue(configName, out var s) ? s : null;

    /// <summary>The command that regenerates one config's data (and then the report).</summary>
    /// <param name="sweep">The sweep.</param>
    public string SweepCommand(SweepResults sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return $"./ntkproofs sweep {sweep.Experiment} --config {sweep.ConfigPath}";
    }
}
