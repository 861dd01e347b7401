using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>NTK-Attention against its defining formula, its closed form from a prefix, masks, and gradients in Z and k.</summary>
public sealed class NtkAttentionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Maps() => new() { "elu1", "taylor:2", "taylor:3", "prf:16", "prf:8:orth" };

    /// <summary>The definition written out with unshifted exponentials (fine for moderate logits in float64).</summary>
    private static Tensor Formula(Tensor q, Tensor k, Tensor v, IFeatureMap phi, Tensor z, Tensor kSum, bool causal, Tensor? keep)
    {
        var scores = matmul(q, k.transpose(2, 3)) / Math.Sqrt(q.shape[3]);
        var weights = scores.exp();
        if (causal)
        {
            weights = weights.tril();
        }

        if (keep is not null)
        {
            weights = weights * keep.to(weights.dtype).view(keep.shape[0], 1, 1, keep.shape[1]);
        }

        var features = phi.Apply(q);
        var num = matmul(weights, v) + matmul(features, z.unsqueeze(0));
        var den = weights.sum(-1, keepdim: true) + matmul(features, kSum.unsqueeze(0).unsqueeze(-1));
        return num / den;
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void MatchesTheDefiningFormula(string spec)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(3, 2, 3, 5, 4, 2, 1);
        var phi = FeatureMapParser.Parse(spec, 4, seed: 12);
        var z = Randn(4, [3, phi.R, 2]);
        var kSum = Randn(5, [3, phi.R]).abs() + 0.5;
        var keep = tensor(new[] { true, true, false, true, true, true, true, true, false, true }, [2, 5]);
        foreach (bool causal in new[] { false, true })
        {
            TensorAssert.Close(NtkAttention.Forward(q, k, v, phi, z, kSum, causal), Formula(q, k, v, phi, z, kSum, causal, null), Tolerance.Float64, output, $"{spec}, causal {causal}");
            TensorAssert.Close(NtkAttention.Forward(q, k, v, phi, z, kSum, causal, KeyMask.Keep(keep)), Formula(q, k, v, phi, z, kSum, causal, keep), Tolerance.Float64, output, $"{spec}, causal {causal}, padded");
        }
    }

    [Fact]
    public void NegativePrefixWeightsAreHandledLikeTheFormula()
    {
        // Odd-degree Taylor features and a signed k give phi(q) k < 0 for some rows; the shift uses |phi(q) k|.
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(13, 1, 2, 4, 2, 3, 1);
        var phi = new TaylorFeatureMap(2, 1);
        var z = Randn(14, [2, phi.R, 3]);
        var kSum = Randn(15, [2, phi.R]) * 0.3;
        var formula = Formula(q, k, v, phi, z, kSum, false, null);
        TensorAssert.Close(NtkAttention.Forward(q, k, v, phi, z, kSum), formula, Tolerance.Float64, output, "signed prefix weight");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, true)]
    [InlineData(4, false)]
    public void ClosedFormWithTaylorFeaturesIsPrefixAttentionWithTaylorWeights(int g, bool causal)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(50 + g, 2, 2, 4, 3, 2, 37, scale: 0.8);
        var phi = new TaylorFeatureMap(3, g);
        var (z, kSum) = PrefixAccumulator.Compute(phi, pk, pv, chunkSize: 10);
        var expected = ToTensor(Loops(q, k, v, pk, pv, causal, null, s => Enumerable.Range(0, g + 1).Sum(j => Math.Pow(s, j) / MathNet.Numerics.SpecialFunctions.Factorial(j))));
        TensorAssert.Close(NtkAttention.Forward(q, k, v, phi, z, kSum, causal), expected, Tolerance.Float64, output, $"I1, g = {g}");
    }

    [Fact]
    public void ZeroStateIsPlainAttention()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(61, 2, 2, 5, 3, 3, 0);
        var phi = new Elu1FeatureMap(3);
        var expected = ToTensor(Loops(q, k, v, pk, pv, true, null));
        TensorAssert.Close(NtkAttention.Forward(q, k, v, phi, zeros(2, 3, 3, dtype: ScalarType.Float64), zeros(2, 3, dtype: ScalarType.Float64), causal: true), expected, Tolerance.Float64, output, "I2");
    }

    /// <summary>Central differences of a random linear functional of the output in every entry of Z and k (float64).</summary>
    [Theory]
    [InlineData("elu1", false)]
    [InlineData("taylor:2", true)]
    [InlineData("prf:6", true)]
    public void GradientsInZAndKMatchFiniteDifferences(string spec, bool causal)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(71, 2, 2, 3, 2, 2, 1);
        var phi = FeatureMapParser.Parse(spec, 2, seed: 3);
        var z0 = Randn(72, [2, phi.R, 2]);
        var k0 = Randn(73, [2, phi.R]).abs() + 1.0;
        var weights = Randn(74, [2, 2, 3, 2]);
        var mask = KeyMask.Keep(tensor(new[] { true, false, true, true, true, true }, [2, 3]));
        double Loss(Tensor z, Tensor kk) => (NtkAttention.Forward(q, k, v, phi, z, kk, causal, mask) * weights).sum().item<double>();

        var z = z0.clone().requires_grad_(true);
        var kk = k0.clone().requires_grad_(true);
        var loss = (NtkAttention.Forward(q, k, v, phi, z, kk, causal, mask) * weights).sum();
        var grads = autograd.grad([loss], [z, kk]);
        foreach (var (parameter, grad, name) in new[] { (z0, grads[0], "Z"), (k0, grads[1], "k") })
        {
            var numeric = FiniteDifferences.Gradient(parameter, () => Loss(z0, k0));
            TensorAssert.Close(grad, numeric, Tolerance.FiniteDifference64, output, $"{spec}: dL/d{name}");
        }
    }
}
