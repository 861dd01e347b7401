using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>
/// THEORY.md "Numerical stability": logits of magnitude up to 1e3 in float32 give no NaN/Inf and agree with the same computation
/// in float64 on the same (float32-representable) inputs.
/// </summary>
public sealed class StabilityTests(ITestOutputHelper output)
{
    // Inputs scaled so that logits q.kappa / sqrt d reach about 1e3; optionally every logit is pushed to about -1e3 or +1e3.
    private static (Tensor Q, Tensor K, Tensor V, Tensor PrefixKeys, Tensor PrefixValues) LargeLogits(long seed, double shift)
    {
        var (q, k, v, pk, pv) = Case(seed, 2, 2, 6, 4, 3, 300, scale: 16.0, dtype: ScalarType.Float32);
        if (shift != 0)
        {
            // A common direction in every key plus a matching component in the queries moves all logits by about `shift`.
            var direction = ones(4, dtype: ScalarType.Float32) * 0.5;
            q = q * 0.05 + (direction * Math.Sqrt(Math.Abs(shift) * 2));
            k = k * 0.05 + (direction * Math.Sign(shift) * Math.Sqrt(Math.Abs(shift) * 2));
            pk = pk * 0.05 + (direction * Math.Sign(shift) * Math.Sqrt(Math.Abs(shift) * 2));
        }

        return (q, k, v, pk, pv);
    }

    private static double MaxLogit(Tensor q, Tensor pk) => TheoremB.Beta(q.to(ScalarType.Float64), pk.to(ScalarType.Float64));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1000.0)]
    [InlineData(-1000.0)]
    public void PrefixAttentionIsFiniteAndAccurateInFloat32(double shift)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = LargeLogits(5, shift);
        double beta = MaxLogit(q, pk);
        output.WriteLine($"max |logit| over queries and prefix keys: {beta:F0}");
        Assert.True(beta > 500, "the case must reach large logits");
        foreach (bool causal in new[] { false, true })
        {
            var single = PrefixAttention.Forward(q, k, v, pk, pv, causal, blockSize: 64);
            var reference = PrefixAttention.Forward(q.to(ScalarType.Float64), k.to(ScalarType.Float64), v.to(ScalarType.Float64), pk.to(ScalarType.Float64), pv.to(ScalarType.Float64), causal, blockSize: 64);
            Assert.True(single.isfinite().all().item<bool>(), "float32 output must be finite");
            TensorAssert.Close(single, reference, Tolerance.Float32LargeLogits, output, $"prefix attention, shift {shift}, causal {causal}");
        }
    }

    [Theory]
    [InlineData("taylor:4", 0.0)]
    [InlineData("taylor:4", -1000.0)]
    [InlineData("taylor:2", 1000.0)]
    [InlineData("elu1", 0.0)]
    [InlineData("elu1", 1000.0)]
    [InlineData("elu1", -1000.0)]
    public void NtkAttentionWithClosedFormStateIsFiniteAndAccurateInFloat32(string spec, double shift)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = LargeLogits(9, shift);
        var phi = FeatureMapParser.Parse(spec, 4);
        var (z32, k32) = PrefixAccumulator.Compute(phi, pk, pv);
        var (z64, k64) = PrefixAccumulator.Compute(phi, pk.to(ScalarType.Float64), pv.to(ScalarType.Float64));
        foreach (bool causal in new[] { false, true })
        {
            var single = NtkAttention.Forward(q, k, v, phi, z32, k32, causal);
            var reference = NtkAttention.Forward(q.to(ScalarType.Float64), k.to(ScalarType.Float64), v.to(ScalarType.Float64), phi, z64, k64, causal);
            Assert.True(single.isfinite().all().item<bool>(), "float32 output must be finite");
            TensorAssert.Close(single, reference, Tolerance.Float32LargeLogits, output, $"{spec}, shift {shift}, causal {causal}");
        }
    }

    [Fact]
    public void ThePrefixTermSurvivesRowMaximaFarAbove88()
    {
        // All input logits near +1e3 and a prefix term of comparable weight: exp(row max) overflows float32, the shift does not.
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = LargeLogits(11, 1000.0);
        var phi = new Elu1FeatureMap(4);
        var z = ones(2, 4, 3, dtype: ScalarType.Float32) * 1e3f;
        var kSum = ones(2, 4, dtype: ScalarType.Float32);
        var withPrefix = NtkAttention.Forward(q, k, v, phi, z, kSum);
        var without = NtkAttention.Forward(q, k, v, phi, zeros_like(z), zeros_like(kSum));
        Assert.True(withPrefix.isfinite().all().item<bool>());

        // The prefix weight phi(q) k is about e^3 while the input weights are about e^1000: the prefix is negligible here,
        // so both agree; the point is that nothing is NaN or Inf. The float64 reference agrees too.
        var reference = NtkAttention.Forward(q.to(ScalarType.Float64), k.to(ScalarType.Float64), v.to(ScalarType.Float64), phi, z.to(ScalarType.Float64), kSum.to(ScalarType.Float64));
        TensorAssert.Close(withPrefix, reference, Tolerance.Float32LargeLogits, output, "row max ~ 1e3");
        TensorAssert.Close(without, reference, Tolerance.Float32LargeLogits, output, "negligible prefix");
    }
}
