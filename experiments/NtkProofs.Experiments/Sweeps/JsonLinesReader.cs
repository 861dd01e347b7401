using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>One line of a JSON Lines file.</summary>
/// <param name="LineNumber">1-based line number in the file.</param>
/// <param name="Value">The parsed object.</param>
public sealed record JsonLine(int LineNumber, JsonObject Value);

/// <summary>What <see cref="JsonLinesReader.Read"/> found in a file.</summary>
/// <param name="Path">The file (full path).</param>
/// <param name="Lines">Every complete line, in file order (blank lines skipped).</param>
/// <param name="ValidLength">Length in bytes of the part of the file that holds <see cref="Lines"/>, including their newlines.</param>
/// <param name="TruncatedTail">The text of an unparsable last line without a newline (a write cut off by a kill); null if none.</param>
/// <param name="MissingFinalNewline">The last line parsed but has no '\n' after it.</param>
public sealed record JsonLinesContent(string Path, IReadOnlyList<JsonLine> Lines, long ValidLength, string? TruncatedTail, bool MissingFinalNewline)
{
    /// <summary>True when the file needs repair before more lines are appended (a truncated tail or a missing newline).</summary>
    public bool NeedsRepair => TruncatedTail is not null || MissingFinalNewline;
}

/// <summary>
/// Reads JSON Lines files (one JSON object per line, UTF-8). A last line that has no newline and does not parse is the
/// remnant of an interrupted append and is reported as <see cref="JsonLinesContent.TruncatedTail"/>, not as an error; any
/// other unparsable line is an <see cref="InvalidDataException"/> naming the file and the line.
/// </summary>
public static class JsonLinesReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads every line of <paramref name="path"/>; throws <see cref="FileNotFoundException"/> if it does not exist.</summary>
    /// <param name="path">The .jsonl file.</param>
    public static JsonLinesContent Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"results file not found: {full}", full);
        }

        byte[] bytes;
        using (var s = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[s.Length];
            s.ReadExactly(bytes);
        }

        return Parse(full, bytes);
    }

    /// <summary>Parses JSON Lines content held in memory (see <see cref="Read"/>).</summary>
    /// <param name="path">The name to use in messages.</param>
    /// <param name="bytes">The file's bytes.</param>
    public static JsonLinesContent Parse(string path, ReadOnlySpan<byte> bytes)
    {
        var lines = new List<JsonLine>();
        int start = 0, lineNumber = 0;
        while (start < bytes.Length)
        {
            lineNumber++;
            int newline = bytes[start..].IndexOf((byte)'\n');
            bool last = newline < 0;
            int end = last ? bytes.Length : start + newline;
            var segment = bytes[start..end];
            if (segment.Length > 0 && segment[^1] == (byte)'\r')
            {
                segment = segment[..^1];
            }

            if (segment.Trim(" \t"u8).IsEmpty)
            {
                start = last ? bytes.Length : end + 1;
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(segment, documentOptions: DocumentOptions);
            }
            catch (JsonException e)
            {
                if (last)
                {
                    return new JsonLinesContent(path, lines, start, Encoding.UTF8.GetString(segment), false);
                }

                throw new InvalidDataException($"{path}:{lineNumber}: not a valid JSON line ({ShortMessage(e)})", e);
            }

            if (node is not JsonObject obj)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected a JSON object on each line, got {node?.GetValueKind().ToString() ?? "null"}");
            }

            lines.Add(new JsonLine(lineNumber, obj));
            if (last)
            {
                return new JsonLinesContent(path, lines, bytes.Length, null, true);
            }

            start = end + 1;
        }

        return new JsonLinesContent(path, lines, bytes.Length, null, false);
    }

    /// <summary>A <see cref="JsonException"/> message without System.Text.Json's 0-based position suffix.</summary>
    /// <param name="e">The exception.</param>
    internal static string ShortMessage(JsonException e)
    {
        string m = e.Message;
        foreach (string marker in new[] { " Path: $", " LineNumber:" })
        {
            int i = m.IndexOf(marker, StringComparison.Ordinal);
            if (i > 0)
            {
                m = m[..i];
            }
        }

        return m.TrimEnd();
    }
}
