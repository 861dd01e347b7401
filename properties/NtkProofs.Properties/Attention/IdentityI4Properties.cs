using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using NtkProofs.Properties.Support;

namespace NtkProofs.Properties.Attention;

/// <summary>I4: prefix attention, Z(P), k(P) and so NTK-Attention are invariant under any permutation of the prefix rows.</summary>
public sealed class IdentityI4Properties
{
    private static void Check(AttentionCase c)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv, mask) = (c.Q(), c.K(), c.V(), c.PrefixKeys(), c.PrefixValues(), c.Mask());
        using var generator = new Generator(unchecked((ulong)c.Seed + 5));
        var permutation = randperm(c.PrefixLength, generator: generator);
        var (ppk, ppv) = (pk.index_select(1, permutation), pv.index_select(1, permutation));
        PropertyAssert.Close(PrefixAttention.Forward(q, k, v, ppk, ppv, c.Causal, mask, blockSize: Math.Max(257, c.PrefixLength / 32)), PrefixAttention.Forward(q, k, v, pk, pv, c.Causal, mask), Tolerance.Float64, $"I4 prefix attention, {c}");
        var phi = new TaylorFeatureMap(c.Dim, 2);
        var (z, kSum) = PrefixAccumulator.Compute(phi, pk, pv);
        var (pz, pkSum) = PrefixAccumulator.Compute(phi, ppk, ppv, chunkSize: 333);
        PropertyAssert.Close(pz, z, Tolerance.Float64, $"I4 Z, {c}");
        PropertyAssert.Close(pkSum, kSum, Tolerance.Float64, $"I4 k, {c}");
    }

    [Property(MaxTest = 25, Replay = "(1401,13)")]
    public Property HoldsForRandomPermutations() =>
        Prop.ForAll(AttentionArbitraries.Cases(16), Check);

    [Fact]
    public void HoldsAtTwoToTheSixteen() => Check(new AttentionCase(1, 2, 4, 3, 2, 1 << 16, true, true, 5, 8));

    [DeepProperty(MaxTest = 1000, Replay = "(1402,15)")]
    [Trait("Tier", "Deep")]
    public Property HoldsForManyCases() =>
        Prop.ForAll(AttentionArbitraries.Cases(16), Check);
}
