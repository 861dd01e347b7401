using System.Globalization;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// Parses the CLI spelling of a feature map: <c>taylor:G</c> (G &gt;= 0), <c>elu1</c>, <c>prf:R</c> or <c>prf:R:orth</c>.
/// </summary>
public static class FeatureMapParser
{
    /// <summary>The accepted spellings, for help texts.</summary>
    public const string Syntax = "taylor:G | elu1 | prf:R[:orth]";

    /// <summary>Builds the map named by <paramref name="spec"/> for vectors of dimension <paramref name="inputDim"/>.</summary>
    /// <param name="spec">The spelling, case-insensitive.</param>
    /// <param name="inputDim">d.</param>
    /// <param name="seed">Seed of random feature maps (ignored by the others).</param>
    /// <exception cref="FormatException">The spelling is not one of <see cref="Syntax"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range (for example r too large for taylor).</exception>
    public static IFeatureMap Parse(string spec, int inputDim, long seed = NtkProofs.Numerics.Seeds.Master)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["elu1"] => new Elu1FeatureMap(inputDim),
            ["taylor", var g] => new TaylorFeatureMap(inputDim, ParseCount(g, spec, "degree G", 0)),
            ["prf", var r] => new PositiveRandomFeatureMap(inputDim, ParseCount(r, spec, "feature count R", 1), seed),
            ["prf", var r, "orth"] => new PositiveRandomFeatureMap(inputDim, ParseCount(r, spec, "feature count R", 1), seed, orthogonal: true),
            _ => throw new FormatException($"unknown feature map '{spec}'; expected {Syntax}"),
        };
    }

    private static int ParseCount(string text, string spec, string what, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new FormatException($"feature map '{spec}': the {what} must be an integer >= {minimum}, got '{text}'");
        }

        return value;
    }
}
