using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using static TorchSharp.torch;
using NtkProofs.Properties.Support;

namespace NtkProofs.Properties.Attention;

/// <summary>
/// I1: with phi = Taylor(g) and closed-form Z, k, NTK-Attention equals prefix attention in which exp is replaced by T_g on the
/// prefix block only (to rounding), for m from 1 to 2^16, any shape, heads, causal or not, padded or not.
/// </summary>
public sealed class IdentityI1Properties
{
    internal static void Check(AttentionCase c, int g)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv, mask) = (c.Q(), c.K(), c.V(), c.PrefixKeys(), c.PrefixValues(), c.Mask());
        var phi = new TaylorFeatureMap(c.Dim, g);
        var (z, kSum) = PrefixAccumulator.Compute(phi, pk, pv);
        var ntk = NtkAttention.Forward(q, k, v, phi, z, kSum, c.Causal, mask);
        var taylorPrefix = DenseAttention.ForwardWithPrefixWeight(q, k, v, pk, pv, s => TaylorFeatureMap.TaylorPolynomial(s, g), c.Causal, mask);
        PropertyAssert.Close(ntk, taylorPrefix, Tolerance.Float64, $"I1 taylor:{g}, {c}");
    }

    private static Arbitrary<(AttentionCase Case, int Degree)> WithDegree(int maxLog2) =>
        Arb.From(
            from c in AttentionArbitraries.Cases(maxLog2).Generator
            from g in Gen.Elements(0, 2, 4)
            select (c, g),
            pair => AttentionArbitraries.Shrink(pair.Item1).Select(s => (s, pair.Item2)));

    /// <summary>30 random cases; m log-uniform in [1, 2^16].</summary>
    [Property(MaxTest = 30, Replay = "(1101,3)")]
    public Property HoldsForRandomShapesAndPrefixLengths() =>
        Prop.ForAll(WithDegree(16), pair => Check(pair.Case, pair.Degree));

    /// <summary>The two ends of the required range, m = 1 and m = 2^16, with causal and padding masks.</summary>
    [Theory]
    [InlineData(1, 2)]
    [InlineData(1 << 16, 4)]
    public void HoldsAtTheEndsOfTheRange(int m, int g) =>
        Check(new AttentionCase(2, 2, 5, 3, 2, m, Causal: true, Padded: true, Seed: 77 + m, ScaleTenths: 6), g);

    /// <summary>Deep tier: 2000 cases, m in [1, 2^16].</summary>
    [DeepProperty(MaxTest = 2000, Replay = "(1102,5)")]
    [Trait("Tier", "Deep")]
    public Property HoldsForManyCases() =>
        Prop.ForAll(WithDegree(16), pair => Check(pair.Case, pair.Degree));
}
