using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Attention;

/// <summary>
/// Gradients of NTK-Attention with respect to Z and k (autograd through the stabilized forward) equal central finite differences
/// of a random linear functional of the output, for random shapes, feature maps, causal and padding masks (float64).
/// </summary>
public sealed class GradientProperties
{
    private static void Check(AttentionCase c, string spec)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, mask) = (c.Q(), c.K(), c.V(), c.Mask());
        var phi = FeatureMapParser.Parse(spec, c.Dim, c.Seed);
        var z0 = c.Draw(10, [c.Heads, phi.R, c.ValueDim], 1.0);
        var k0 = c.Draw(11, [c.Heads, phi.R], 1.0).abs() + 0.5;
        var weights = c.Draw(12, [c.Batch, c.Heads, c.Length, c.ValueDim], 1.0);
        double Loss() => (NtkAttention.Forward(q, k, v, phi, z0, k0, c.Causal, mask) * weights).sum().item<double>();

        var z = z0.clone().requires_grad_(true);
        var kk = k0.clone().requires_grad_(true);
        var grads = autograd.grad([(NtkAttention.Forward(q, k, v, phi, z, kk, c.Causal, mask) * weights).sum()], [z, kk]);
        foreach (var (parameter, grad, name) in new[] { (z0, grads[0], "Z"), (k0, grads[1], "k") })
        {
            var numeric = FiniteDifferences.Gradient(parameter, Loss);
            PropertyAssert.Close(grad, numeric, Tolerance.FiniteDifference64, $"d/d{name}, {spec}, {c}");
        }
    }

    [Property(MaxTest = 12, Replay = "(2201,23)")]
    public Property ZAndKGradientsMatchFiniteDifferences() =>
        Prop.ForAll(
            Arb.From(
                from c in AttentionArbitraries.Cases(maxLog2: 0, maxDim: 3, maxScaleTenths: 15).Generator
                from spec in Gen.Elements("elu1", "taylor:2", "prf:4")
                select (c, spec),
                pair => AttentionArbitraries.Shrink(pair.Item1).Select(s => (s, pair.Item2))),
            pair => Check(pair.Item1, pair.Item2));
}
