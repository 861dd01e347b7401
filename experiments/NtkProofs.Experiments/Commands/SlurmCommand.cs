using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using NtkProofs.Experiments.Cli;
using NtkProofs.IO;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Experiments.Commands;

/// <summary>
/// <c>ntkproofs slurm submit --config FILE --shards N --out DIR</c>: submits a sweep as one Slurm job array (task i runs
/// <c>sweep &lt;experiment&gt; --shard i/N --out DIR/shard-i</c>) and a merge job that depends on it (afterok) and writes
/// <c>DIR/merged/&lt;experiment&gt;.jsonl</c>; <c>--dry-run</c> prints the two sbatch scripts without submitting.
/// </summary>
public sealed class SlurmCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var config = new Option<FileInfo>("--config") { Description = "Sweep config (JSON).", Required = true };
        var shards = new Option<int>("--shards") { Description = "Number of array tasks N (each runs shard i/N).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Shared folder for shards, logs, scripts and the merged file (must be visible from every node).", Required = true };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (sbatch --partition)." };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "CPUs per array task; also passed to sweep as --threads." };
        var gres = new Option<string?>("--gres") { Description = "Generic resources per task, e.g. gpu:1 (sbatch --gres)." };
        var time = new Option<string?>("--time") { Description = "Time limit per task (sbatch --time, e.g. 02:00:00)." };
        var device = new Option<string?>("--device") { Description = "Passed to sweep as --device (cpu or cuda)." };
        var cli = new Option<string?>("--ntkproofs") { Description = "Command that runs ntkproofs on the nodes (default: this process)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the sbatch scripts and write nothing." };
        var submit = new Command("submit", "Submit a sweep as a Slurm job array plus a dependent merge job.")
        {
            config, shards, output, partition, cpus, gres, time, device, cli, dryRun,
        };
        submit.SetAction(parse => Run(
            new SlurmRequest(
                parse.GetValue(config)!,
                parse.GetValue(shards),
                parse.GetValue(output)!,
                parse.GetValue(partition),
                parse.GetValue(cpus),
                parse.GetValue(gres),
                parse.GetValue(time),
                parse.GetValue(device),
                parse.GetValue(cli)),
            parse.GetValue(dryRun),
            parse.InvocationConfiguration.Output));
        return new Command("slurm", "Run sweeps on a Slurm cluster.") { submit };
    }

    private static int Run(SlurmRequest request, bool dryRun, TextWriter stdout)
    {
        if (request.Shards < 1)
        {
            throw new CliInputException($"--shards must be at least 1, got {request.Shards}");
        }

        if (request.CpusPerTask is < 1)
        {
            throw new CliInputException($"--cpus-per-task must be at least 1, got {request.CpusPerTask}");
        }

        var config = SweepConfig.Load(request.Config.FullName);
        if (request.Shards > config.Plan().Points.Count)
        {
            throw new CliInputException($"--shards {request.Shards} exceeds the {config.Plan().Points.Count} points of {config.Path}");
        }

        var scripts = SlurmScripts.Create(config.Experiment.Name, config.Path, request, request.Cli ?? DefaultCli());
        if (dryRun)
        {
            stdout.WriteLine("# array job: " + scripts.ArrayPath);
            stdout.Write(scripts.Array);
            stdout.WriteLine("# merge job (sbatch --dependency=afterok:<array job id>): " + scripts.MergePath);
            stdout.Write(scripts.Merge);
            return ExitCodes.Success;
        }

        string sbatch = FindOnPath("sbatch") ?? throw new CliInputException("sbatch was not found on PATH: run this on a Slurm login node (or use --dry-run to see the scripts)");
        string slurmFolder = Path.GetDirectoryName(scripts.ArrayPath)!;
        using (var set = OutputSet.Begin(slurmFolder))
        {
            // Both scripts as a unit: a failure leaves the earlier pair as it was.
            File.WriteAllText(set.PathOf(Path.GetFileName(scripts.ArrayPath)), scripts.Array);
            File.WriteAllText(set.PathOf(Path.GetFileName(scripts.MergePath)), scripts.Merge);
            set.Commit();
        }

        Directory.CreateDirectory(Path.Combine(request.Out.FullName, "logs"));
        string arrayId = Sbatch(sbatch, ["--parsable", scripts.ArrayPath]);
        string mergeId = Sbatch(sbatch, ["--parsable", "--dependency=afterok:" + arrayId, scripts.MergePath]);
        AtomicFile.WriteAllText(Path.Combine(slurmFolder, "jobs.txt"), $"array {arrayId}\nmerge {mergeId}\n");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"submitted array job {arrayId} ({request.Shards} tasks) and merge job {mergeId}; merged results: {scripts.MergedPath}"));
        return ExitCodes.Success;
    }

    private static string Sbatch(string sbatch, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new CliInputException($"could not start {sbatch}");
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string id = output.Trim().Split(';')[0];
        if (process.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new CliInputException($"sbatch failed (exit {process.ExitCode}): {error.Trim().ReplaceLineEndings(" ")}");
        }

        return id;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    /// <summary>The command line that runs this CLI again: the apphost, or <c>dotnet &lt;dll&gt;</c>.</summary>
    private static string DefaultCli()
    {
        string process = Environment.ProcessPath ?? "ntkproofs";
        string? entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry)
            ? SlurmScripts.Quote(process) + " " + SlurmScripts.Quote(entry)
            : SlurmScripts.Quote(process);
    }
}
