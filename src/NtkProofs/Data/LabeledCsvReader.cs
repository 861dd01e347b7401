using CsvHelper;

namespace NtkProofs.Data;

/// <summary>
/// Reads python3-pattern's labelled CSVs: no header, two quoted fields <c>"label","text"</c>, UTF-8 with a byte-order
/// mark, <c>""</c> escapes, and newlines inside quoted text. Labels are 1 and -1, mapped to class 1 and 0. The text is
/// trimmed of surrounding white space. Parsing uses CsvHelper (RFC 4180; malformed input surfaces as a
/// <see cref="FormatException"/> such as CsvHelper's CsvFormatException, rethrown as <see cref="InvalidDataException"/>), never line splitting.
/// </summary>
public static class LabeledCsvReader
{
    /// <summary>Reads a file (BOM detected).</summary>
    /// <param name="path">The CSV file.</param>
    public static IReadOnlyList<LabeledSentence> ReadFile(string path)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads CSV text from a reader; a leading U+FEFF is skipped.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">Where it came from (for messages).</param>
    public static IReadOnlyList<LabeledSentence> Read(TextReader reader, string source = "csv")
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Peek() == '\uFEFF')
        {
            reader.Read();
        }

        var options = new CsvReaderOptions
        {
            HasHeader = false,
            Separator = ',',
            Mode = CsvMode.Rfc4180,
            Quote = '"',
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
        };
        var result = new List<LabeledSentence>();
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        try
        {
            while (csv.Read())
            {
                long row = csv.RowNumber;
                if (csv.FieldCount != 2)
                {
                    throw new InvalidDataException($"{source}: record {row} (line {csv.LineNumber}) has {csv.FieldCount} fields, expected 2 (label, text)");
                }

                string label = csv.GetString(0).Trim();
                string text = csv.GetString(1).Trim();
                int cls = label switch
                {
                    "1" => 1,
                    "-1" => 0,
                    _ => throw new InvalidDataException($"{source}: record {row} (line {csv.LineNumber}) has label '{label}', expected 1 or -1"),
                };
                if (text.Length == 0)
                {
                    throw new InvalidDataException($"{source}: record {row} (line {csv.LineNumber}) has an empty text");
                }

                result.Add(new LabeledSentence(text, cls));
            }
        }
        catch (Exception e) when (e is not InvalidDataException and (FormatException or InvalidOperationException or ArgumentException))
        {
            throw new InvalidDataException($"{source}: malformed CSV ({e.Message})", e);
        }

        return result;
    }
}
