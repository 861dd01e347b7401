namespace NtkProofs.Statistics;

/// <summary>Compact per-example correctness: a string of '1' (correct) and '0' (wrong) over examples in a fixed order.</summary>
public static class Correctness
{
    /// <summary>Encodes correctness flags as a '0'/'1' string.</summary>
    /// <param name="correct">The flags in example order.</param>
    public static string Encode(IEnumerable<bool> correct)
    {
        ArgumentNullException.ThrowIfNull(correct);
        return string.Concat(correct.Select(c => c ? '1' : '0'));
    }

    /// <summary>Decodes a '0'/'1' string; any other character is an error.</summary>
    /// <param name="text">The encoded string.</param>
    public static bool[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flags = new bool[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            flags[i] = text[i] switch
            {
                '1' => true,
                '0' => false,
                _ => throw new FormatException($"correctness string has '{text[i]}' at {i}; expected '0' or '1'"),
            };
        }

        return flags;
    }
}
