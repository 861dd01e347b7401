using System.Globalization;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// The results file of one sweep (or one shard of it): JSON Lines, one <see cref="SweepResult"/> per finished point, each
/// line appended and flushed to disk as soon as its point finishes. Opening it reads what is already there and checks that
/// every line belongs to the plan (and shard); a truncated last line left by a kill mid-write is dropped by atomically
/// rewriting the file without it (its point is simply computed again). While open, a lock file (<c>&lt;file&gt;.lock</c>)
/// keeps a second process from appending to the same file.
/// </summary>
public sealed class ResultStore : IDisposable
{
    private readonly Dictionary<string, SweepResult> completed;
    private readonly FileStream lockFile;
    private readonly JsonLinesWriter writer;

    private ResultStore(string path, SweepPlan plan, ShardSpec? shard, Dictionary<string, SweepResult> completed, FileStream lockFile, JsonLinesWriter writer, string? droppedTail)
    {
        Path = path;
        Plan = plan;
        Shard = shard;
        this.completed = completed;
        this.lockFile = lockFile;
        this.writer = writer;
        DroppedTruncatedLine = droppedTail;
    }

    /// <summary>The results file (full path).</summary>
    public string Path { get; }

    /// <summary>The plan the file belongs to.</summary>
    public SweepPlan Plan { get; }

    /// <summary>The shard the file belongs to (null: the whole plan).</summary>
    public ShardSpec? Shard { get; }

    /// <summary>The results already in the file, by key (those found on open plus those appended since).</summary>
    public IReadOnlyDictionary<string, SweepResult> Completed => completed;

    /// <summary>The text of a truncated last line that was dropped on open (a write cut off by a kill), or null.</summary>
    public string? DroppedTruncatedLine { get; }

    /// <summary>
    /// Opens (creating if needed) the results file of <paramref name="plan"/> (restricted to <paramref name="shard"/>).
    /// Throws <see cref="ArgumentException"/> when the file already holds results and <paramref name="resume"/> is false
    /// (nothing is overwritten by accident) or when another process holds the file; <see cref="InvalidDataException"/> when a
    /// line is corrupt or belongs to another experiment, config or shard. Nothing in the file is changed in those cases.
    /// </summary>
    /// <param name="path">The .jsonl file.</param>
    /// <param name="plan">The plan the results belong to.</param>
    /// <param name="shard">The shard, or null for the whole plan.</param>
    /// <param name="resume">Continue a file that already holds results.</param>
    public static ResultStore Open(string path, SweepPlan plan, ShardSpec? shard, bool resume)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var lockFile = AcquireLock(full);
        try
        {
            var completed = new Dictionary<string, SweepResult>(StringComparer.Ordinal);
            string? droppedTail = null;
            if (File.Exists(full) && new FileInfo(full).Length > 0)
            {
                var content = JsonLinesReader.Read(full);
                if (!resume && (content.Lines.Count > 0 || content.TruncatedTail is not null))
                {
                    throw new ArgumentException(
                        $"{full} already holds {content.Lines.Count} result(s){(content.TruncatedTail is null ? "" : " and a truncated line")}; pass --resume to continue that sweep, or choose another --out (nothing was changed)");
                }

                foreach (var result in ReadResults(content, plan, shard))
                {
                    completed[result.Key] = result;
                }

                if (content.NeedsRepair)
                {
                    // Keep every complete line byte for byte; drop the cut-off tail (or add the missing newline).
                    byte[] bytes = File.ReadAllBytes(full);
                    byte[] kept = content.MissingFinalNewline ? [.. bytes, (byte)'\n'] : bytes[..(int)content.ValidLength];
                    AtomicFile.WriteAllBytes(full, kept);
                    droppedTail = content.TruncatedTail;
                }
            }

            return new ResultStore(full, plan, shard, completed, lockFile, JsonLinesWriter.OpenAppend(full), droppedTail);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a results file without changing it (a truncated last line is ignored), in file order, checking every line
    /// against <paramref name="plan"/> and <paramref name="shard"/> when a plan is given. Duplicate keys with the same
    /// outcome are kept once; conflicting duplicates are an <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="path">The .jsonl file.</param>
    /// <param name="plan">The plan the lines must belong to, or null to only parse them.</param>
    /// <param name="shard">The shard the lines must belong to, or null.</param>
    public static IReadOnlyList<SweepResult> Read(string path, SweepPlan? plan = null, ShardSpec? shard = null) =>
        ReadResults(JsonLinesReader.Read(path), plan, shard);

    /// <summary>Whether the point with <paramref name="key"/> is already in the file.</summary>
    /// <param name="key">A <see cref="SweepPoint.Key"/>.</param>
    public bool Contains(string key) => completed.ContainsKey(key);

    /// <summary>Appends one result and flushes it to disk.</summary>
    /// <param name="result">The result.</param>
    public void Append(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Plan.Verify(result, Path, Shard);
        if (completed.ContainsKey(result.Key))
        {
            throw new InvalidOperationException($"point {result.Key} is already in {Path}");
        }

        writer.Append(result.ToJson());
        completed[result.Key] = result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            writer.Dispose();
        }
        finally
        {
            // Released even when the writer's last flush fails (a full disk), so the folder is not left locked.
            lockFile.Dispose();
        }
    }

    /// <summary>
    /// Parses and checks the lines of a results file (see <see cref="Read"/>), with their line numbers; duplicates with the
    /// same outcome are kept once.
    /// </summary>
    /// <param name="content">The file's lines.</param>
    /// <param name="plan">The plan the lines must belong to, or null.</param>
    /// <param name="shard">The shard the lines must belong to, or null.</param>
    internal static List<(SweepResult Result, int Line)> ReadLines(JsonLinesContent content, SweepPlan? plan, ShardSpec? shard)
    {
        var results = new List<(SweepResult Result, int Line)>();
        var seen = new Dictionary<string, (SweepResult Result, int Line)>(StringComparer.Ordinal);
        foreach (var line in content.Lines)
        {
            string where = $"{content.Path}:{line.LineNumber.ToString(CultureInfo.InvariantCulture)}";
            var result = SweepResult.FromJson(line.Value, where);
            plan?.Verify(result, where, shard);
            if (seen.TryGetValue(result.Key, out var first))
            {
                if (!first.Result.SameOutcome(result))
                {
                    throw new InvalidDataException($"{where}: point {result.Key} (index {result.Index}) is also on line {first.Line} with a different result; the file mixes runs that disagree");
                }

                continue;
            }

            seen[result.Key] = (result, line.LineNumber);
            results.Add((result, line.LineNumber));
        }

        return results;
    }

    private static List<SweepResult> ReadResults(JsonLinesContent content, SweepPlan? plan, ShardSpec? shard) =>
        [.. ReadLines(content, plan, shard).Select(r => r.Result)];

    private static FileStream AcquireLock(string full)
    {
        string lockPath = full + ".lock";
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix) that the OS releases if the process dies.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A lock file left by a killed run also exists on a read-only folder: say read-only, not "held".
            string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
            if (!Writable(folder))
            {
                throw new IOException($"cannot open the lock file {lockPath}: the folder {folder} is read-only (not writable): {e.Message}", e);
            }

            if (e is IOException && File.Exists(lockPath))
            {
                throw new ArgumentException($"{full} is in use by another sweep (lock {lockPath} is held); wait for it, or choose another --out", e);
            }

            throw new IOException($"cannot create the lock file {lockPath}: {e.Message} (is the folder read-only or the disk full?)", e);
        }
    }

    /// <summary>Whether a file can be created in <paramref name="folder"/> (an empty probe file, removed at once).</summary>
    private static bool Writable(string folder)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(folder, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
