using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Commands;

/// <summary>The two sbatch scripts of a sharded sweep: the job array and the merge job.</summary>
/// <param name="Array">Array job script.</param>
/// <param name="ArrayPath">Where the array script is written.</param>
/// <param name="Merge">Merge job script.</param>
/// <param name="MergePath">Where the merge script is written.</param>
/// <param name="MergedPath">The merged results file.</param>
public sealed record SlurmScripts(string Array, string ArrayPath, string Merge, string MergePath, string MergedPath)
{
    /// <summary>Builds the scripts.</summary>
    /// <param name="experiment">Experiment name.</param>
    /// <param name="configPath">Absolute config path.</param>
    /// <param name="request">The submit options.</param>
    /// <param name="cli">Shell words that run ntkproofs.</param>
    /// <returns>The scripts.</returns>
    public static SlurmScripts Create(string experiment, string configPath, SlurmRequest request, string cli)
    {
        string dir = request.Out.FullName;
        int n = request.Shards;
        string logs = Path.Combine(dir, "logs");
        string merged = Path.Combine(dir, "merged", experiment + ".jsonl");

        var array = Header($"ntkproofs-{experiment}", Path.Combine(logs, "%A_%a.out"), request);
        array.AppendLine(Invariant($"#SBATCH --array=1-{n}"));
        array.AppendLine("set -euo pipefail");
        array.AppendLine("i=\"${SLURM_ARRAY_TASK_ID:?not a Slurm array task}\"");
        var sweep = new StringBuilder(Invariant($"exec {cli} sweep {Quote(experiment)} --config {Quote(configPath)} --shard \"$i/{n}\" --out {Quote(Path.Combine(dir, "shard-"))}\"$i\" --quiet"));
        if (request.Device is { } device)
        {
            sweep.Append(" --device ").Append(Quote(device));
        }

        if (request.CpusPerTask is { } c)
        {
            sweep.Append(Invariant($" --threads {c}"));
        }

        array.AppendLine(sweep.ToString());

        var merge = Header($"ntkproofs-{experiment}-merge", Path.Combine(logs, "%j-merge.out"), request with { Gres = null });
        merge.AppendLine("set -euo pipefail");
        var inputs = Enumerable.Range(1, n).Select(i =>
            Quote(Path.Combine(dir, Invariant($"shard-{i}"), SweepCommand.ResultsFileName(experiment, ShardSpec.Parse(Invariant($"{i}/{n}"))))));
        merge.AppendLine($"exec {cli} merge --config {Quote(configPath)} --out {Quote(merged)} --force --quiet {string.Join(' ', inputs)}");

        string scripts = Path.Combine(dir, "slurm");
        return new SlurmScripts(array.ToString(), Path.Combine(scripts, "array.sbatch"), merge.ToString(), Path.Combine(scripts, "merge.sbatch"), merged);
    }

    /// <summary>Single-quotes a word for bash.</summary>
    /// <param name="word">The word.</param>
    /// <returns>The quoted word.</returns>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static StringBuilder Header(string name, string log, SlurmRequest request)
    {
        var s = new StringBuilder("#!/bin/bash\n");
        s.AppendLine($"#SBATCH --job-name={name}");
        s.AppendLine($"#SBATCH --output={log}");
        if (request.Partition is { } p)
        {
            s.AppendLine($"#SBATCH --partition={p}");
        }

        if (request.CpusPerTask is { } c)
        {
            s.AppendLine(Invariant($"#SBATCH --cpus-per-task={c}"));
        }

        if (request.Gres is { } g)
        {
            s.AppendLine($"#SBATCH --gres={g}");
        }

        if (request.Time is { } t)
        {
            s.AppendLine($"#SBATCH --time={t}");
        }

        return s;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
