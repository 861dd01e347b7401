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
/// I3, additivity: Z(P1 ++ P2) = Z(P1) + Z(P2) and k(P1 ++ P2) = k(P1) + k(P2), so a prefix of any length folds into fixed memory
/// in a stream; checked for a random split point and random chunk sizes, m from 1 to 2^16.
/// </summary>
public sealed class IdentityI3Properties
{
    private static void Check(AttentionCase c, string spec, int splitPercent, int chunk)
    {
        using var scope = NewDisposeScope();
        var (pk, pv) = (c.PrefixKeys(), c.PrefixValues());
        var phi = FeatureMapParser.Parse(spec, c.Dim, c.Seed);
        int split = (int)((long)c.PrefixLength * splitPercent / 100);
        chunk = Math.Max(chunk, c.PrefixLength / 64);   // at most about 64 chunks per call keeps the fast tier fast
        var (zAll, kAll) = PrefixAccumulator.Compute(phi, pk, pv, chunkSize: c.PrefixLength);
        var (z1, k1) = PrefixAccumulator.Compute(phi, pk.narrow(1, 0, split), pv.narrow(1, 0, split), chunk);
        var (z2, k2) = PrefixAccumulator.Compute(phi, pk.narrow(1, split, c.PrefixLength - split), pv.narrow(1, split, c.PrefixLength - split), chunk);
        PropertyAssert.Close(z1 + z2, zAll, Tolerance.Float64, $"I3 Z, {spec}, split {split}, chunk {chunk}, {c}");
        PropertyAssert.Close(k1 + k2, kAll, Tolerance.Float64, $"I3 k, {spec}, split {split}, chunk {chunk}, {c}");

        using var stream = new PrefixAccumulator(phi, c.Heads, c.ValueDim, ScalarType.Float64);
        stream.Add(pk.narrow(1, split, c.PrefixLength - split), pv.narrow(1, split, c.PrefixLength - split), chunk);
        stream.Add(pk.narrow(1, 0, split), pv.narrow(1, 0, split), chunk);
        PropertyAssert.Close(stream.Z, zAll, Tolerance.Float64, $"I3 streamed Z, {c}");
    }

    private static Arbitrary<(AttentionCase Case, string Spec, int Split, int Chunk)> Arbitrary(int maxLog2) =>
        Arb.From(
            from c in AttentionArbitraries.Cases(maxLog2).Generator
            from spec in Gen.Elements("elu1", "taylor:2", "taylor:4", "prf:16")
            from split in Gen.Choose(0, 100)
            from chunk in Gen.Choose(1, 5000)
            select (c, spec, split, chunk),
            t => AttentionArbitraries.Shrink(t.Item1).Select(s => (s, t.Item2, t.Item3, t.Item4)));

    [Property(MaxTest = 30, Replay = "(1301,9)")]
    public Property HoldsForRandomSplitsAndChunks() =>
        Prop.ForAll(Arbitrary(16), t => Check(t.Case, t.Spec, t.Split, t.Chunk));

    [Theory]
    [InlineData(1, "taylor:4")]
    [InlineData(1 << 16, "taylor:4")]
    [InlineData(1 << 16, "prf:16")]
    public void HoldsAtTheEndsOfTheRange(int m, string spec) =>
        Check(new AttentionCase(1, 2, 1, 4, 3, m, false, false, 91 + m, 10), spec, 37, 1000);

    [DeepProperty(MaxTest = 2000, Replay = "(1302,11)")]
    [Trait("Tier", "Deep")]
    public Property HoldsForManyCases() =>
        Prop.ForAll(Arbitrary(16), t => Check(t.Case, t.Spec, t.Split, t.Chunk));
}
