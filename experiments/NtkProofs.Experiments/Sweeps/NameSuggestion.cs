namespace NtkProofs.Experiments.Sweeps;

/// <summary>"Did you mean ...?" hints for misspelled keys and parameter names.</summary>
internal static class NameSuggestion
{
    /// <summary>" (did you mean 'x'?)" for the closest known name within a small edit distance, or "".</summary>
    /// <param name="unknown">The misspelled name.</param>
    /// <param name="known">The valid names.</param>
    public static string For(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string k in known)
        {
            int d = Distance(unknown.ToUpperInvariant(), k.ToUpperInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (k, d);
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Min(3, best.Length / 3)) ? $" (did you mean '{best}'?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
