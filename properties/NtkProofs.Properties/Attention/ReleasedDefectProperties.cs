using NtkProofs.Measurements;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Attention;

/// <summary>
/// The released code's defects (claims ledger C12) hold for every generated case, not just the examples in the unit tests:
/// the released error experiment is solved exactly by Z = 0, k = 0; |k| initialized at 0 has an exactly zero gradient; and
/// for every row maximum above ln(FLT_MAX) = 88.72 the released float32 forward returns exactly the no-prefix output.
/// </summary>
public sealed class ReleasedDefectProperties
{
    private static Tensor Draw(int seed, int stream, long[] shape, double scale = 1.0)
    {
        using var generator = new Generator(unchecked((ulong)Seeds.Derive(seed, stream, 0)));
        using var t = randn(shape, ScalarType.Float32, generator: generator);
        return t * scale;
    }

    /// <summary>Z = 0, k = 0 reproduces the released experiment's target to float32 rounding, for any d, L, m and weights.</summary>
    [Property(MaxTest = 25, Replay = "(2301,25)")]
    public Property DoubleCountingMakesTheZeroStateExact() =>
        Prop.ForAll(
            Arb.From(
                from d in Gen.Choose(1, 16)
                from length in Gen.Choose(1, 32)
                from m in AttentionArbitraries.PrefixLength(10)
                from seed in Gen.Choose(0, int.MaxValue)
                select (d, length, m, seed)),
            t =>
            {
                using var scope = NewDisposeScope();
                var (d, length, m, seed) = t;
                double w = 1.0 / Math.Sqrt(d);
                var (target, prediction) = ReleasedErrorExperiment.Step(
                    Draw(seed, 0, [length, d]), Draw(seed, 1, [m, d]), Draw(seed, 2, [d, d], w), Draw(seed, 3, [d, d], w), Draw(seed, 4, [d, d], w), zeros(d, d), zeros(d));
                PropertyAssert.Close(prediction, target, Tolerance.Float32, $"released experiment d={d}, L={length}, m={m}, seed={seed}");
            });

    /// <summary>d|k|/dk at k = 0 is 0 in every coordinate, whatever the inputs, Z and loss.</summary>
    [Property(MaxTest = 20, Replay = "(2302,27)")]
    public Property AbsoluteValueAtZeroHasZeroGradient() =>
        Prop.ForAll(
            Arb.From(
                from heads in Gen.Choose(1, 3)
                from length in Gen.Choose(1, 8)
                from d in Gen.Choose(1, 6)
                from causal in Gen.Elements(false, true)
                from seed in Gen.Choose(0, int.MaxValue)
                select (heads, length, d, causal, seed)),
            t =>
            {
                using var scope = NewDisposeScope();
                var (heads, length, d, causal, seed) = t;
                var q = Draw(seed, 0, [1, heads, length, d]);
                var kappa = zeros(1, heads, d, 1).requires_grad_(true);
                var z = Draw(seed, 1, [1, heads, d, d]).requires_grad_(true);
                var target = Draw(seed, 2, [1, heads, length, d]);
                var loss = (ReleasedReferenceAttention.Forward(q, Draw(seed, 3, [1, heads, length, d]), Draw(seed, 4, [1, heads, length, d]), kappa, z, causal) - target).square().sum();
                var grads = autograd.grad([loss], [kappa, z]);
                Assert.Equal(0.0, grads[0].abs().max().item<float>());
                Assert.True(grads[1].abs().max().item<float>() > 0, "Z does receive a gradient");
            });

    /// <summary>
    /// Row maximum s in (88.72, 1000]: the released float32 output equals the output without prefix exactly, however large the
    /// prefix term (weight W = phi(q) k = min(e^s / 4, 1e38), the largest float32 can hold); the stable forward keeps it
    /// (checked where W is still a few percent of the input weight, s &lt; 91).
    /// </summary>
    [Property(MaxTest = 30, Replay = "(2303,29)")]
    public Property Float32OverflowDropsThePrefixTerm() =>
        Prop.ForAll(
            Arb.From(
                from hundredths in Gen.OneOf(Gen.Choose(8873, 9099), Gen.Choose(9100, 100000))
                from length in Gen.Choose(1, 6)
                from seed in Gen.Choose(0, int.MaxValue)
                select (hundredths / 100.0, length, seed)),
            t =>
            {
                using var scope = NewDisposeScope();
                var (s, length, seed) = t;
                const int d = 4;
                var q = full(1, 1, length, d, Math.Sqrt(s / 2), ScalarType.Float32);   // every score is s
                var v = Draw(seed, 0, [1, 1, length, d]);
                double features = new Elu1FeatureMap(d).Apply(q[0, 0, 0].to(ScalarType.Float64)).sum().item<double>();
                double kEntry = Math.Min(Math.Exp(s - Math.Log(4)), 1e38) / features;
                var kSum = full(1, d, kEntry, ScalarType.Float32);
                var z = Draw(seed, 1, [1, d, d], kEntry);
                var released = ReleasedReferenceAttention.Forward(q, q, v, kSum.unsqueeze(0).unsqueeze(-1), z.unsqueeze(0), causalMask: false);
                var noPrefix = ReleasedReferenceAttention.Forward(q, q, v, zeros(1, 1, d, 1), zeros(1, 1, d, d), causalMask: false);
                Assert.Equal(0.0, PropertyAssert.MaxAbsDifference(released, noPrefix));
                if (s < 91)
                {
                    var stable = NtkAttention.Forward(q, q, v, new Elu1FeatureMap(d), z, kSum);
                    Assert.True(stable.isfinite().all().item<bool>());
                    Assert.True(PropertyAssert.MaxAbsDifference(stable, noPrefix) > 1e-3, $"s = {s}: the stable forward keeps the prefix term");
                }

                return true.ToProperty().Classify(s < 91, "s < 91: stable forward checked too");
            });
}
