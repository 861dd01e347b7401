using System.Globalization;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as in a cluster job array): the points whose plan index
/// satisfies <c>index % Count == Index - 1</c>. The shards 1/N .. N/N partition a plan.
/// </summary>
public readonly record struct ShardSpec
{
    /// <summary>Creates a shard; throws <see cref="ArgumentException"/> unless 1 &lt;= index &lt;= count.</summary>
    /// <param name="index">1-based shard number.</param>
    /// <param name="count">Number of shards.</param>
    public ShardSpec(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
        {
            throw new ArgumentException(FormattableString.Invariant($"--shard {index}/{count}: need 1 <= i <= N (1-based shard i of N)"));
        }

        Index = index;
        Count = count;
    }

    /// <summary>1-based shard number.</summary>
    public int Index { get; }

    /// <summary>Number of shards.</summary>
    public int Count { get; }

    /// <summary>The file-name part of this shard, "shard-i-of-N".</summary>
    public string FileSuffix => FormattableString.Invariant($"shard-{Index}-of-{Count}");

    /// <summary>Parses "i/N"; throws <see cref="ArgumentException"/> with the expected form otherwise.</summary>
    /// <param name="text">For example "2/8".</param>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return new ShardSpec(i, n);
        }

        throw new ArgumentException($"--shard '{text}': expected i/N with whole numbers 1 <= i <= N, e.g. 2/8");
    }

    /// <summary>Whether the point at plan index <paramref name="pointIndex"/> belongs to this shard.</summary>
    /// <param name="pointIndex">0-based plan index.</param>
    public bool Contains(int pointIndex) => pointIndex % Count == Index - 1;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"{Index}/{Count}");
}
