using System.Globalization;
using CsvHelper;

namespace NtkProofs.Experiments.Reports.Figures;

/// <summary>Writes the numbers behind a figure as CSV (series, x, y, error_low, error_high), so every plotted point is data.</summary>
public static class FigureData
{
    /// <summary>Writes <c>{spec.Name}.csv</c> into <paramref name="folder"/> atomically.</summary>
    /// <param name="spec">The figure.</param>
    /// <param name="folder">Destination folder.</param>
    public static string Save(FigureSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, spec.Name + ".csv");
        NtkProofs.IO.AtomicFile.Write(path, temp =>
        {
            using var writer = new StreamWriter(temp);
            using var csv = CsvWriter.Create(writer);
            csv.WriteHeader(["series", "x", "y", "error_low", "error_high"]);
            foreach (var s in spec.Series)
            {
                for (int i = 0; i < Math.Min(s.X.Count, s.Y.Count); i++)
                {
                    csv.WriteRecord(
                    [
                        s.Label,
                        Number(s.X[i]),
                        Number(s.Y[i]),
                        s.ErrorLow is null ? string.Empty : Number(s.ErrorLow[i]),
                        s.ErrorHigh is null ? string.Empty : Number(s.ErrorHigh[i]),
                    ]);
                }
            }
        });
        return path;
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
