using FsCheck;
using FsCheck.Fluent;
using NtkProofs.Lemmas;
using NtkProofs.Model;

namespace NtkProofs.Properties.Support;

/// <summary>
/// A generated lemma setting: sizes and a master seed; every tensor is built from the seed, never from generated doubles.
/// n is bounded against d (see <see cref="LemmaCases.Capacity"/>) so that n unit vectors with |cos| &lt;= 0.9 exist and H* is not numerically singular.
/// </summary>
/// <param name="Path">Value path.</param>
/// <param name="Samples">n.</param>
/// <param name="InputDim">d.</param>
/// <param name="OutputDim">c (fixed and separate paths).</param>
/// <param name="Seed">Master seed of the case.</param>
public sealed record LemmaCase(ValuePath Path, int Samples, int InputDim, int OutputDim, int Seed)
{
    /// <summary>The lemma problem of this case at prefix scale <paramref name="sigma"/>.</summary>
    /// <param name="sigma">Prefix init scale.</param>
    /// <param name="scale">Output scale.</param>
    public LemmaProblem Problem(double sigma, OutputScale scale = OutputScale.SqrtM) =>
        new(Path, Samples, InputDim, OutputDim, sigma, scale, MasterSeed: Seed);
}

/// <summary>FsCheck generators and shrinkers for <see cref="LemmaCase"/>.</summary>
public static class LemmaCases
{
    /// <summary>Cases for every value path, with n in [2, min(2d + 2, maxSamples)], d in [2, maxDim], c in [1, 3].</summary>
    /// <param name="paths">The value paths to draw from.</param>
    /// <param name="maxSamples">Largest n.</param>
    /// <param name="maxDim">Largest d.</param>
    public static Arbitrary<LemmaCase> Arbitrary(ValuePath[] paths, int maxSamples = 8, int maxDim = 5)
    {
        var gen =
            from path in Gen.Elements(paths)
            from d in Gen.Choose(2, maxDim)
            from n in Gen.Choose(2, Math.Min(Capacity(d), maxSamples))
            from c in Gen.Choose(1, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select new LemmaCase(path, n, d, c, seed);
        return Arb.From(gen, Shrink);
    }

    /// <summary>
    /// The largest n drawn for dimension d: in d = 2 at most 4 lines with pairwise |cos| &lt;= 0.9 are found reliably by
    /// rejection sampling (6 fit in principle); from d = 3 on, 2 d + 2.
    /// </summary>
    /// <param name="d">Input dimension.</param>
    public static int Capacity(int d) => d <= 2 ? 4 : (2 * d) + 2;

    private static IEnumerable<LemmaCase> Shrink(LemmaCase c)
    {
        if (c.Samples > 2)
        {
            yield return c with { Samples = c.Samples - 1 };
        }

        if (c.InputDim > 2 && c.Samples <= Capacity(c.InputDim - 1))
        {
            yield return c with { InputDim = c.InputDim - 1 };
        }

        if (c.OutputDim > 1)
        {
            yield return c with { OutputDim = 1 };
        }

        if (c.Seed != 0)
        {
            yield return c with { Seed = c.Seed / 2 };
        }
    }
}
