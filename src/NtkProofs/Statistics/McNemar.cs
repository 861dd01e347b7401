namespace NtkProofs.Statistics;

/// <summary>McNemar's exact (binomial) test on the discordant pairs of two paired classifiers.</summary>
public static class McNemar
{
    /// <summary>
    /// Two-sided exact p-value: with b examples only A gets right and c only B gets right, under the null each
    /// discordant pair is a fair coin, so p = min(1, 2 P(X &lt;= min(b, c))) for X ~ Binomial(b + c, 1/2); 1 when b + c = 0.
    /// </summary>
    /// <param name="onlyFirstCorrect">Discordant pairs where only the first method is correct (b).</param>
    /// <param name="onlySecondCorrect">Discordant pairs where only the second method is correct (c).</param>
    public static double ExactP(int onlyFirstCorrect, int onlySecondCorrect)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyFirstCorrect);
        ArgumentOutOfRangeException.ThrowIfNegative(onlySecondCorrect);
        int n = onlyFirstCorrect + onlySecondCorrect;
        if (n == 0)
        {
            return 1.0;
        }

        int k = Math.Min(onlyFirstCorrect, onlySecondCorrect);
        // log-space binomial pmf to stay finite for large n.
        double logHalfN = n * Math.Log(0.5);
        double tail = 0;
        double logChoose = 0; // log C(n, 0)
        for (int i = 0; i <= k; i++)
        {
            if (i > 0)
            {
                logChoose += Math.Log(n - i + 1) - Math.Log(i);
            }

            tail += Math.Exp(logChoose + logHalfN);
        }

        return Math.Min(1.0, 2 * tail);
    }

    /// <summary>The exact p-value of two per-example correctness vectors (same examples, same order).</summary>
    /// <param name="first">Correctness of the first method.</param>
    /// <param name="second">Correctness of the second method.</param>
    public static double ExactP(IReadOnlyList<bool> first, IReadOnlyList<bool> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
        {
            throw new ArgumentException($"{first.Count} vs {second.Count} examples: not paired", nameof(second));
        }

        int b = 0, c = 0;
        for (int i = 0; i < first.Count; i++)
        {
            if (first[i] && !second[i])
            {
                b++;
            }
            else if (!first[i] && second[i])
            {
                c++;
            }
        }

        return ExactP(b, c);
    }
}
