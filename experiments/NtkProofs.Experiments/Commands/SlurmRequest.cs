namespace NtkProofs.Experiments.Commands;

/// <summary>The options of <c>ntkproofs slurm submit</c>.</summary>
/// <param name="Config">Sweep config.</param>
/// <param name="Shards">Number of array tasks.</param>
/// <param name="Out">Shared output folder.</param>
/// <param name="Partition">Slurm partition, or null.</param>
/// <param name="CpusPerTask">CPUs per task, or null.</param>
/// <param name="Gres">Generic resources, or null.</param>
/// <param name="Time">Time limit, or null.</param>
/// <param name="Device">Sweep device, or null.</param>
/// <param name="Cli">Command running ntkproofs on the nodes, or null for this process.</param>
public sealed record SlurmRequest(
    FileInfo Config, int Shards, DirectoryInfo Out, string? Partition, int? CpusPerTask, string? Gres, string? Time, string? Device, string? Cli);
