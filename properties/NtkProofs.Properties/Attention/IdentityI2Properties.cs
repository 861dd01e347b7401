using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Attention;

/// <summary>I2: Z = 0, k = 0 gives plain attention over X, for every feature map, shape, and mask.</summary>
public sealed class IdentityI2Properties
{
    private static readonly string[] Maps = ["elu1", "taylor:2", "prf:8", "prf:8:orth"];

    private static void Check(AttentionCase c, string spec)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, mask) = (c.Q(), c.K(), c.V(), c.Mask());
        var phi = FeatureMapParser.Parse(spec, c.Dim, c.Seed);
        var ntk = NtkAttention.Forward(q, k, v, phi, zeros(c.Heads, phi.R, c.ValueDim, ScalarType.Float64), zeros(c.Heads, phi.R, ScalarType.Float64), c.Causal, mask);
        var empty = zeros(c.Heads, 0, c.Dim, ScalarType.Float64);
        var plain = DenseAttention.Forward(q, k, v, empty, zeros(c.Heads, 0, c.ValueDim, ScalarType.Float64), c.Causal, mask);
        PropertyAssert.Close(ntk, plain, Tolerance.Float64, $"I2 {spec}, {c}");
    }

    [Property(MaxTest = 40, Replay = "(1201,7)")]
    public Property HoldsForEveryFeatureMap() =>
        Prop.ForAll(
            Arb.From(
                from c in AttentionArbitraries.Cases(maxLog2: 0, maxScaleTenths: 30).Generator
                from spec in Gen.Elements(Maps)
                select (c, spec),
                pair => AttentionArbitraries.Shrink(pair.Item1).Select(s => (s, pair.Item2))),
            pair => Check(pair.Item1, pair.Item2));
}
