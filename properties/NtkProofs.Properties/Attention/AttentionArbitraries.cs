using FsCheck;
using FsCheck.Fluent;

namespace NtkProofs.Properties.Attention;

/// <summary>FsCheck generators and shrinkers for <see cref="AttentionCase"/>.</summary>
public static class AttentionArbitraries
{
    /// <summary>
    /// A prefix length from 1 to <paramref name="maxLog2"/>: first an exponent e uniform in [0, maxLog2], then m uniform in
    /// [2^e, 2^(e+1)) capped at 2^maxLog2, so every scale of m is equally likely.
    /// </summary>
    public static Gen<int> PrefixLength(int maxLog2) =>
        from e in Gen.Choose(0, maxLog2)
        from m in Gen.Choose(1 << e, Math.Min((1 << (e + 1)) - 1, 1 << maxLog2))
        select m;

    /// <summary>Cases with small shapes and m up to 2^<paramref name="maxLog2"/>; the scale of queries and keys in [0.2, maxScale].</summary>
    public static Arbitrary<AttentionCase> Cases(int maxLog2 = 16, int maxDim = 4, int maxScaleTenths = 10) =>
        Arb.From(
            from batch in Gen.Choose(1, 2)
            from heads in Gen.Choose(1, 3)
            from length in Gen.Choose(1, 8)
            from dim in Gen.Choose(1, maxDim)
            from valueDim in Gen.Choose(1, 4)
            from m in PrefixLength(maxLog2)
            from causal in Gen.Elements(false, true)
            from padded in Gen.Elements(false, true)
            from seed in Gen.Choose(0, int.MaxValue)
            from scale in Gen.Choose(2, maxScaleTenths)
            select new AttentionCase(batch, heads, length, dim, valueDim, m, causal, padded, seed, scale),
            Shrink);

    /// <summary>Shrinks toward one batch, one head, short inputs, a short prefix, and no masks.</summary>
    public static IEnumerable<AttentionCase> Shrink(AttentionCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.PrefixLength > 1)
        {
            yield return c with { PrefixLength = c.PrefixLength / 2 };
        }

        if (c.Batch > 1)
        {
            yield return c with { Batch = 1 };
        }

        if (c.Heads > 1)
        {
            yield return c with { Heads = 1 };
        }

        if (c.Length > 1)
        {
            yield return c with { Length = c.Length / 2 };
        }

        if (c.Dim > 1)
        {
            yield return c with { Dim = c.Dim - 1 };
        }

        if (c.ValueDim > 1)
        {
            yield return c with { ValueDim = 1 };
        }

        if (c.Causal)
        {
            yield return c with { Causal = false };
        }

        if (c.Padded)
        {
            yield return c with { Padded = false };
        }
    }
}
