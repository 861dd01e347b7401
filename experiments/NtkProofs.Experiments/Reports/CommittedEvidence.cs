using System.Globalization;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// Where a sweep of a report came from when the report did not run it: the committed JSON lines of a long, sharded,
/// resumable evidence run (profile <c>decisive</c>, folder <c>reports/decisive/&lt;config&gt;/</c>), read as they stand.
/// </summary>
/// <param name="Folder">The folder holding the lines, relative to the repository root.</param>
/// <param name="Command">The command that continues (or regenerates) the evidence; sharding and resuming keep committed points.</param>
/// <param name="Points">Points present (each counted once across shards).</param>
/// <param name="Planned">Points of the config's plan.</param>
/// <param name="Commits">The commits that computed the present points (from each line's manifest id), in first-seen order.</param>
/// <param name="LastFinishedUtc">When the newest present point finished.</param>
public sealed record CommittedEvidence(string Folder, string Command, int Points, int Planned, IReadOnlyList<string> Commits, DateTime LastFinishedUtc)
{
    /// <summary>Every point of the plan is present.</summary>
    public bool Complete => Points == Planned;

    /// <summary>Finished runs of points still in progress, stored in the folder's <c>parts/</c> (the continue command resumes from them; they are not results).</summary>
    public int StoredParts { get; init; }

    /// <summary>One sentence for a claim's section: what was read, how much of the plan it is, from which commits, and the command.</summary>
    /// <param name="config">The config name.</param>
    public string Describe(string config) => string.Create(
        CultureInfo.InvariantCulture,
        $"'{config}' is committed evidence, not run by this report: {Points} of {Planned} points{(Complete ? string.Empty : " (the run is still under way; missing points are simply absent)")} in `{Folder}/`, computed by commit(s) {string.Join(", ", Commits)}, last point finished {LastFinishedUtc:yyyy-MM-dd HH:mm} UTC{(StoredParts > 0 ? $"; {StoredParts} finished run(s) of points in progress are stored in `{Folder}/{Sweeps.PointParts.FolderName}/` (not results: the point resumes from them)" : string.Empty)}; continue or regenerate with `{Command}`");
}
