using System.Globalization;
using System.Text;
using NtkProofs.IO;

namespace NtkProofs.Experiments.Reporting;

/// <summary>A CSV table built in memory and written atomically; numbers use the invariant culture and round-trip precision.</summary>
internal sealed class CsvTable
{
    private readonly StringBuilder text = new();
    private readonly int columns;

    /// <summary>Starts a table with a header row.</summary>
    public CsvTable(params string[] header)
    {
        columns = header.Length;
        text.AppendLine(string.Join(",", header));
    }

    /// <summary>Appends a row; doubles are written with "R", NaN as empty, booleans as true/false.</summary>
    public void Add(params object?[] cells)
    {
        if (cells.Length != columns)
        {
            throw new ArgumentException($"row has {cells.Length} cells, the header {columns}");
        }

        text.AppendLine(string.Join(",", cells.Select(Format)));
    }

    /// <summary>Writes the table atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, text.ToString());

    private static string Format(object? cell) => cell switch
    {
        null => string.Empty,
        double d when double.IsNaN(d) => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s when s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        _ => cell.ToString() ?? string.Empty,
    };
}
