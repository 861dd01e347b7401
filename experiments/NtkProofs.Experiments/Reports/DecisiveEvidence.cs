using NtkProofs.Experiments.Cli;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// The decisive profile: sweeps too long for a report run (hours to days of 2-core time, issue 10's fine-tuning grid),
/// configured in <c>experiments/configs/decisive/</c>, run as sharded, resumable sweeps into
/// <c>reports/decisive/&lt;config&gt;/</c>, and committed there line by line as points finish. Every report reads whatever of
/// it is committed (<see cref="Load"/>), says so in the rows that use it, and never runs it.
/// </summary>
public static class DecisiveEvidence
{
    /// <summary>The profile name (config folder <c>experiments/configs/decisive</c>).</summary>
    public const string Profile = "decisive";

    /// <summary>The folder of one config's committed lines, relative to the repository root.</summary>
    /// <param name="config">The config name (file stem).</param>
    public static string Folder(string config) => "reports/" + Profile + "/" + config;

    /// <summary>The command that runs (or continues) one config's evidence into its committed folder.</summary>
    /// <param name="config">The loaded config.</param>
    public static string Command(SweepConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string name = Path.GetFileNameWithoutExtension(config.Path);
        return $"./ntkproofs sweep {config.Experiment.Name} --config {RepositoryPaths.Relative(config.Path)} --out {Folder(name)} --resume [--shard i/N]";
    }

    /// <summary>
    /// Reads the committed lines of every decisive config under <paramref name="root"/> (configs without lines are skipped):
    /// shards are joined by point key and every line is checked against the config's plan (<see cref="ResultMerger.Collect"/>;
    /// a truncated last line of a run in progress is ignored). Throws <see cref="InvalidDataException"/> naming the file and
    /// line when a committed line does not belong to its config or two lines disagree.
    /// </summary>
    /// <param name="root">The repository root.</param>
    /// <param name="resolve">Resolves experiment names (default: the registry; tests pass their own).</param>
    /// <returns>One <see cref="SweepResults"/> per config with at least one point, with its <see cref="CommittedEvidence"/>.</returns>
    public static IReadOnlyList<(SweepResults Sweep, MergeOutcome Lines)> Load(string root, Func<string, IExperiment>? resolve = null)
    {
        string configs = Path.Combine(root, "experiments", "configs", Profile);
        if (!Directory.Exists(configs))
        {
            return [];
        }

        var found = new List<(SweepResults, MergeOutcome)>();
        foreach (string path in Directory.GetFiles(configs, "*.json").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            string folder = Path.Combine(root, Folder(name));
            string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];
            if (files.Length == 0)
            {
                continue;
            }

            var config = SweepConfig.Load(path, resolve ?? ExperimentRegistry.Get);
            var plan = config.Plan();
            var lines = ResultMerger.Collect(plan, files);
            if (lines.Results.Count == 0)
            {
                continue;
            }

            var evidence = new CommittedEvidence(
                Folder(name),
                Command(config),
                lines.Results.Count,
                plan.Points.Count,
                [.. lines.Results.Select(r => r.Manifest?.Split('-')[0] ?? "unknown").Distinct(StringComparer.Ordinal)],
                lines.Results.Max(r => r.FinishedUtc))
            {
                StoredParts = StoredParts(folder, plan, lines),
            };
            var records = lines.Results.Select(r => new SweepRecord(r.Point, r.Result)).ToList();
            found.Add((new SweepResults(name, RepositoryPaths.Relative(path), config.Experiment.Name, records, evidence), lines));
        }

        return found;
    }

    // Parts of planned points whose line is not stored yet, readable under the plan's master seed (leftovers of finished
    // points and parts of other seeds or points are not "in progress").
    private static int StoredParts(string folder, SweepPlan plan, MergeOutcome lines)
    {
        if (!Directory.Exists(Path.Combine(folder, PointParts.FolderName)))
        {
            return 0;
        }

        return lines.Missing
            .Select(p => new PointParts(folder, p.Point.Key, plan.Config.Seed))
            .Sum(parts => parts.Names.Count(name => parts.Read(name) is not null));
    }
}
