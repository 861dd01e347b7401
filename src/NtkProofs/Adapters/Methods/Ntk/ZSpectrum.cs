using System.Globalization;
using System.Text.Json.Serialization;

namespace NtkProofs.Adapters;

/// <summary>
/// The singular spectrum of one head's NTK-Attention state Z [r, d_h] (claim C19): of a trained full Z, or of the closed form
/// Z(P) = sum_i phi(k_i) v_i^T of a trained prefix (<see cref="PrefixConversion"/>).
/// </summary>
/// <param name="Source"><see cref="TrainedZ"/> or <see cref="PrefixZ"/>.</param>
/// <param name="Feature">The feature map phi of Z (elu1, prf:R, taylor:G).</param>
/// <param name="Layer">The encoder layer.</param>
/// <param name="Head">The head.</param>
/// <param name="SingularValues">sigma_1 &gt;= sigma_2 &gt;= ... &gt;= 0, min(r, d_h) of them.</param>
public sealed record ZSpectrum(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("layer")] int Layer,
    [property: JsonPropertyName("head")] int Head,
    [property: JsonPropertyName("singular_values")] IReadOnlyList<double> SingularValues)
{
    /// <summary>Source of a trained full Z.</summary>
    public const string TrainedZ = "trained Z";

    /// <summary>Source of the closed form Z(P) of a trained prefix.</summary>
    public const string PrefixZ = "Z(P)";

    /// <summary>The largest possible rank, min(r, d_h).</summary>
    [JsonIgnore]
    public int Dimension => SingularValues.Count;

    /// <summary>
    /// exp of the Shannon entropy of p_i = sigma_i / sum_j sigma_j: between 1 (one direction) and <see cref="Dimension"/>
    /// (a flat spectrum); 0 for Z = 0.
    /// </summary>
    [JsonIgnore]
    public double EffectiveRank
    {
        get
        {
            double total = SingularValues.Sum();
            if (!(total > 0))
            {
                return 0;
            }

            double entropy = SingularValues.Where(s => s > 0).Sum(s => -(s / total) * Math.Log(s / total));
            return Math.Exp(entropy);
        }
    }

    /// <summary>The share of ||Z||_F^2 in the top <paramref name="s"/> singular values (1 when s &gt;= rank; 1 for Z = 0).</summary>
    /// <param name="s">s &gt;= 1.</param>
    public double EnergyFraction(int s)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(s, 1);
        double total = SingularValues.Sum(x => x * x);
        return total > 0 ? SingularValues.Take(s).Sum(x => x * x) / total : 1.0;
    }

    /// <summary>
    /// Compact text of spectra for a JSON-lines record (one entry per head, <c>source|feature|layer|head|s1 s2 ...</c>, entries
    /// separated by <c>;</c>, values to 6 significant digits): a string keeps the record's value equality.
    /// </summary>
    /// <param name="spectra">The spectra.</param>
    public static string Encode(IEnumerable<ZSpectrum> spectra)
    {
        ArgumentNullException.ThrowIfNull(spectra);
        return string.Join(";", spectra.Select(z =>
        {
            if (z.Source.Contains('|') || z.Source.Contains(';') || z.Feature.Contains('|') || z.Feature.Contains(';'))
            {
                throw new ArgumentException($"spectrum labels may not contain '|' or ';': '{z.Source}', '{z.Feature}'", nameof(spectra));
            }

            return string.Create(CultureInfo.InvariantCulture, $"{z.Source}|{z.Feature}|{z.Layer}|{z.Head}|{string.Join(" ", z.SingularValues.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}");
        }));
    }

    /// <summary>The inverse of <see cref="Encode"/> (empty text: no spectra).</summary>
    /// <param name="text">The encoded spectra.</param>
    public static IReadOnlyList<ZSpectrum> Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        return [.. text.Split(';').Select(entry =>
        {
            string[] f = entry.Split('|');
            if (f.Length != 5 || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int layer) || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int head))
            {
                throw new FormatException($"a Z spectrum entry must be source|feature|layer|head|values, got '{entry}'");
            }

            var values = f[4].Length == 0 ? [] : f[4].Split(' ').Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x >= 0
                ? x
                : throw new FormatException($"singular value '{v}' in '{entry}' is not a number >= 0")).ToArray();
            return new ZSpectrum(f[0], f[1], layer, head, values);
        })];
    }
}
