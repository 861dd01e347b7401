using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// Appends JSON objects to a JSON Lines file (UTF-8, one compact object per line, '\n' after each), flushing every line to
/// disk before <see cref="Append"/> returns, so a kill loses at most the line being written (which
/// <see cref="JsonLinesReader"/> then recognizes as a truncated tail). Also writes whole files atomically.
/// </summary>
public sealed class JsonLinesWriter : IDisposable
{
    /// <summary>
    /// The serializer options of every line: compact, relaxed escaping, and NaN / Infinity written as the strings "NaN",
    /// "Infinity", "-Infinity" (plain JSON has no such numbers), so a result holding them is still written.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly FileStream stream;

    private JsonLinesWriter(FileStream stream) => this.stream = stream;

    /// <summary>The file being appended to (full path).</summary>
    public string Path => stream.Name;

    /// <summary>Opens (creating if needed) a file for appending lines.</summary>
    /// <param name="path">The .jsonl file.</param>
    public static JsonLinesWriter OpenAppend(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return new JsonLinesWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 12, FileOptions.None));
    }

    /// <summary>The single line (without its newline) that <paramref name="value"/> is written as.</summary>
    /// <param name="value">The object.</param>
    public static string Serialize(JsonObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ToJsonString(Options);
    }

    /// <summary>
    /// Writes <paramref name="values"/> as a complete JSON Lines file, atomically (a temporary sibling and a rename): readers
    /// see either the old file or the whole new one.
    /// </summary>
    /// <param name="path">Destination.</param>
    /// <param name="values">The lines, in order.</param>
    public static void WriteAll(string path, IEnumerable<JsonObject> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder();
        foreach (var v in values)
        {
            text.Append(Serialize(v)).Append('\n');
        }

        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllText(full, text.ToString());
    }

    /// <summary>Appends one line (object, then '\n') in a single write and flushes it to disk.</summary>
    /// <param name="value">The object.</param>
    public void Append(JsonObject value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Serialize(value) + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
