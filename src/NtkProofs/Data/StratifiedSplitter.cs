namespace NtkProofs.Data;

/// <summary>
/// Seeded, stratified train/validation/test split: within each class the examples are shuffled with
/// <see cref="Random"/>(seed) and cut by the fractions (rounded down for validation and test, the rest to training);
/// each split is then shuffled again. The same seed and input order always give the same split.
/// </summary>
public static class StratifiedSplitter
{
    /// <summary>Splits <paramref name="examples"/>.</summary>
    /// <param name="examples">All examples, in file order.</param>
    /// <param name="seed">The split seed.</param>
    /// <param name="validationFraction">Fraction per class for validation (default 0.1).</param>
    /// <param name="testFraction">Fraction per class for test (default 0.1).</param>
    public static DatasetSplits Split(IReadOnlyList<LabeledSentence> examples, int seed, double validationFraction = 0.1, double testFraction = 0.1)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1)
        {
            throw new ArgumentException(FormattableString.Invariant($"fractions must be >= 0 and leave room for training, got validation {validationFraction}, test {testFraction}"));
        }

        var random = new Random(seed);
        var train = new List<LabeledSentence>();
        var validation = new List<LabeledSentence>();
        var test = new List<LabeledSentence>();
        foreach (var group in examples.GroupBy(e => e.Label).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            int nVal = (int)Math.Floor(items.Length * validationFraction);
            int nTest = (int)Math.Floor(items.Length * testFraction);
            validation.AddRange(items.Take(nVal));
            test.AddRange(items.Skip(nVal).Take(nTest));
            train.AddRange(items.Skip(nVal + nTest));
        }

        return new DatasetSplits(Shuffled(train, random), Shuffled(validation, random), Shuffled(test, random));
    }

    private static LabeledSentence[] Shuffled(List<LabeledSentence> items, Random random)
    {
        var array = items.ToArray();
        random.Shuffle(array);
        return array;
    }
}
