using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using NtkProofs.IO;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.Reports;

/// <summary>
/// Everything needed to trace and reproduce a run: the code (git commit and dirty flag), the toolchain (.NET, TorchSharp,
/// libtorch and library versions), the machine (OS, CPU, cores, torch threads, device), the inputs (command line, config,
/// master seed, shard) and the outcome (status, counts, start/end time, wall time). Written as JSON next to the results
/// (<see cref="Write"/>); every result line carries the manifest's <see cref="Id"/>. Capturing never fails: whatever cannot
/// be determined is recorded as "unknown".
/// </summary>
public sealed record RunManifest
{
    /// <summary>File name of the latest manifest in a results folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Subfolder that keeps every run's manifest as <c>&lt;id&gt;.json</c>, so resumed and merged results stay traceable.</summary>
    public const string ArchiveFolder = "manifests";

    /// <summary>The assemblies whose versions are recorded (those not referenced by this build are recorded as such).</summary>
    public static readonly string[] TrackedAssemblies = ["TorchSharp", "MathNet.Numerics", "ScottPlot", "Spectre.Console", "System.CommandLine", "Markdig"];

    /// <summary>JSON options of manifest files (snake_case, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly Lazy<(string Commit, bool? Dirty)> Git = new(ReadGit);

    /// <summary>Short id: abbreviated commit, start time (UTC) and a random suffix, e.g. <c>389eee4-20240620T120000Z-3fa2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The command that ran ("sweep", "merge", ...).</summary>
    public required string Command { get; init; }

    /// <summary>The command line as typed (arguments quoted where needed).</summary>
    public required string CommandLine { get; init; }

    /// <summary>Running, completed, interrupted or failed.</summary>
    public RunStatus Status { get; init; } = RunStatus.Running;

    /// <summary>Experiment name, if the run is for one.</summary>
    public string? Experiment { get; init; }

    /// <summary>Config file (full path), if any.</summary>
    public string? Config { get; init; }

    /// <summary>Config files read (the config and those it extends).</summary>
    public IReadOnlyList<string>? ConfigFiles { get; init; }

    /// <summary>SHA-256 of the resolved config (<see cref="Sweeps.SweepConfig.Fingerprint"/>).</summary>
    public string? ConfigFingerprint { get; init; }

    /// <summary>The master seed every random draw of the run derives from.</summary>
    public long? MasterSeed { get; init; }

    /// <summary>Shard "i/N", if sharded.</summary>
    public string? Shard { get; init; }

    /// <summary>Files the run wrote or read (results files, merge inputs).</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>Full git commit of the working tree, or "unknown".</summary>
    public required string GitCommit { get; init; }

    /// <summary>Whether the working tree had uncommitted changes (null: unknown).</summary>
    public bool? GitDirty { get; init; }

    /// <summary>.NET runtime (framework description).</summary>
    public required string Dotnet { get; init; }

    /// <summary>libtorch version TorchSharp loaded, or "unknown".</summary>
    public required string Libtorch { get; init; }

    /// <summary>Informational versions of <see cref="TrackedAssemblies"/>.</summary>
    public required IReadOnlyDictionary<string, string> Packages { get; init; }

    /// <summary>Operating system description and architecture.</summary>
    public required string Os { get; init; }

    /// <summary>CPU model (/proc/cpuinfo "model name"), or the architecture when unknown.</summary>
    public required string Cpu { get; init; }

    /// <summary>Logical cores.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>TorchSharp intra-op threads.</summary>
    public required int TorchThreads { get; init; }

    /// <summary>Device the run computed on ("cpu" or "cuda").</summary>
    public required string Device { get; init; }

    /// <summary>MKL_CBWR as the process saw it (AUTO, the default, makes MKL reductions bit-reproducible run to run on one machine; COMPATIBLE across processors too).</summary>
    public string MklCbwr { get; init; } = NtkProofs.Numerics.DeterministicBlas.Value;

    /// <summary>Host name.</summary>
    public required string Machine { get; init; }

    /// <summary>Start time (UTC).</summary>
    public required DateTime StartUtc { get; init; }

    /// <summary>End time (UTC); null while running.</summary>
    public DateTime? EndUtc { get; init; }

    /// <summary>Wall time in seconds; null while running.</summary>
    public double? WallSeconds { get; init; }

    /// <summary>Counts reported by the command (points planned, already done, computed, remaining, ...).</summary>
    public IReadOnlyDictionary<string, long>? Counts { get; init; }

    /// <summary>The error message of a failed run.</summary>
    public string? Error { get; init; }

    /// <summary>Captures the code, toolchain and machine now, with status <see cref="RunStatus.Running"/>.</summary>
    /// <param name="command">Command name.</param>
    /// <param name="arguments">The command-line arguments (after the program name).</param>
    /// <param name="device">"cpu" or "cuda".</param>
    public static RunManifest Capture(string command, IEnumerable<string> arguments, string device)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = DateTime.UtcNow;
        var (commit, dirty) = Git.Value;
        string shortCommit = commit == "unknown" ? "nogit" : commit[..Math.Min(7, commit.Length)];
        string suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        return new RunManifest
        {
            Id = FormattableString.Invariant($"{shortCommit}-{start:yyyyMMdd'T'HHmmss'Z'}-{suffix}"),
            Command = command,
            CommandLine = "ntkproofs " + string.Join(' ', arguments.Select(Quote)),
            GitCommit = commit,
            GitDirty = dirty,
            Dotnet = RuntimeInformation.FrameworkDescription,
            Libtorch = Safe(() => TorchRuntime.LibTorchVersion),
            Packages = TrackedAssemblies.ToDictionary(n => n, AssemblyVersion),
            Os = $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})",
            Cpu = CpuModel(),
            LogicalCores = Environment.ProcessorCount,
            TorchThreads = Safe(() => TorchRuntime.Threads, 0),
            Device = device,
            Machine = Environment.MachineName,
            StartUtc = start,
        };
    }

    /// <summary>This manifest with its outcome: status, end time and wall time (and counts / error when given).</summary>
    /// <param name="status">How the run ended.</param>
    /// <param name="counts">Counts to record.</param>
    /// <param name="error">Error message of a failed run.</param>
    public RunManifest Finish(RunStatus status, IReadOnlyDictionary<string, long>? counts = null, string? error = null)
    {
        var end = DateTime.UtcNow;
        return this with { Status = status, EndUtc = end, WallSeconds = (end - StartUtc).TotalSeconds, Counts = counts ?? Counts, Error = error };
    }

    /// <summary>The manifest as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a manifest file's JSON.</summary>
    /// <param name="json">The JSON text.</param>
    public static RunManifest FromJson(string json) =>
        JsonSerializer.Deserialize<RunManifest>(json, JsonOptions) ?? throw new InvalidDataException("manifest JSON is null");

    /// <summary>
    /// Writes <c>&lt;folder&gt;/manifest.json</c> (the latest run) and <c>&lt;folder&gt;/manifests/&lt;id&gt;.json</c> (kept
    /// for every run), each atomically.
    /// </summary>
    /// <param name="folder">The results folder.</param>
    public void Write(string folder)
    {
        string json = ToJson() + "\n";
        string archive = Path.Combine(folder, ArchiveFolder);
        Directory.CreateDirectory(archive);
        AtomicFile.WriteAllText(Path.Combine(archive, Id + ".json"), json);
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), json);
    }

    /// <summary>
    /// Overwrites the existing <c>manifest.json</c> and <c>manifests/&lt;id&gt;.json</c> in place (no new file), for a full
    /// disk where <see cref="Write"/> cannot create its temporary file. Best effort: a file that cannot be rewritten is left.
    /// </summary>
    /// <param name="folder">The results folder.</param>
    public void WriteInPlace(string folder)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(ToJson() + "\n");
        foreach (string path in new[] { Path.Combine(folder, FileName), Path.Combine(folder, ArchiveFolder, Id + ".json") })
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
                stream.Write(bytes);
                stream.SetLength(bytes.Length);
                stream.Flush(flushToDisk: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left as it was: the caller is already failing with the original error.
            }
        }
    }

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string AssemblyVersion(string name)
    {
        try
        {
            var assembly = Assembly.Load(new AssemblyName(name));
            return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString()
                ?? "unknown";
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return "not referenced";
        }
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int colon and > 0)
                    {
                        return line[(colon + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }

    private static (string Commit, bool? Dirty) ReadGit()
    {
        foreach (string dir in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            string? commit = RunGit(dir, "rev-parse HEAD")?.Trim();
            if (commit is { Length: >= 7 } && commit.All(Uri.IsHexDigit))
            {
                string? status = RunGit(dir, "status --porcelain");
                return (commit, status is null ? null : status.Trim().Length > 0);
            }
        }

        return ("unknown", null);
    }

    private static string? RunGit(string dir, string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", $"-C \"{dir}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            using var git = Process.Start(info);
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEndAsync();
            var error = git.StandardError.ReadToEndAsync();
            if (!git.WaitForExit(10_000))
            {
                git.Kill(entireProcessTree: true);
                return null;
            }

            return git.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    private static T Safe<T>(Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or InvalidOperationException or ExternalException)
        {
            return fallback;
        }
    }

    private static string Safe(Func<string> read) => Safe(read, "unknown");
}

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Still running (the manifest written at the start).</summary>
    Running,

    /// <summary>Every requested point finished.</summary>
    Completed,

    /// <summary>Stopped by the user (Ctrl+C, SIGTERM); finished points are kept.</summary>
    Interrupted,

    /// <summary>Stopped by an error (see <see cref="RunManifest.Error"/>).</summary>
    Failed,
}
