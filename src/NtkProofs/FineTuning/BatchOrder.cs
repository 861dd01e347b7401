namespace NtkProofs.FineTuning;

/// <summary>
/// Training batches as consecutive slices of seeded epoch permutations: each epoch is a fresh
/// <see cref="Random.Shuffle{T}(T[])"/> of 0..n-1 with <see cref="Random"/>(seed); a batch never spans two epochs (the
/// tail of an epoch shorter than a batch is dropped).
/// </summary>
public sealed class BatchOrder
{
    private readonly int count;
    private readonly int batchSize;
    private readonly Random random;
    private int[] permutation = [];
    private int position;

    /// <summary>Creates the order.</summary>
    /// <param name="count">Training set size.</param>
    /// <param name="batchSize">Examples per batch (at most <paramref name="count"/>).</param>
    /// <param name="seed">The seed.</param>
    public BatchOrder(int count, int batchSize, int seed)
    {
        if (batchSize < 1 || count < batchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"need 1 <= batch size <= training set size, got {batchSize} and {count}");
        }

        this.count = count;
        this.batchSize = batchSize;
        random = new Random(seed);
    }

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>The indices of the next batch.</summary>
    public int[] Next()
    {
        if (position + batchSize > permutation.Length)
        {
            if (permutation.Length > 0)
            {
                Epoch++;
            }

            permutation = Enumerable.Range(0, count).ToArray();
            random.Shuffle(permutation);
            position = 0;
        }

        var batch = permutation.AsSpan(position, batchSize).ToArray();
        position += batchSize;
        return batch;
    }
}
