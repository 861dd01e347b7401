using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>
/// NTK-Attention without gradients runs the fused stream (<see cref="StreamedAttention.ForwardWithTerm"/>); with gradients it
/// runs the autograd path. Both must give the same output, in float64, for every feature map, masks, logits of magnitude
/// 1e3 (the exact fallback) and a zero state.
/// </summary>
public sealed class NtkFusedForwardTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("elu1", false, false, 1.0)]
    [InlineData("elu1", true, true, 1.0)]
    [InlineData("prf:32", true, false, 1.0)]
    [InlineData("taylor:2", false, true, 1.0)]
    [InlineData("elu1", true, false, 40.0)]
    [InlineData("prf:16", false, true, 30.0)]
    public void FusedForwardEqualsTheAutogradForward(string spec, bool causal, bool masked, double scale)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(41, 2, 3, 6, 4, 3, 1, scale);
        var phi = FeatureMapParser.Parse(spec, 4, seed: 5);
        var z = Randn(42, [3, phi.R, 3], 0.3);
        var kSum = Randn(43, [3, phi.R]).abs() + 0.1;
        var mask = masked ? KeyMask.Keep(Randn(44, [2, 6]).gt(-0.7)) : null;
        Tensor fused;
        using (no_grad())
        {
            fused = NtkAttention.Forward(q, k, v, phi, z, kSum, causal, mask);
        }

        var leaves = new[] { q, k, v, z, kSum }.Select(t => t.detach().requires_grad_(true)).ToArray();
        var tracked = NtkAttention.Forward(leaves[0], leaves[1], leaves[2], phi, leaves[3], leaves[4], causal, mask);
        Assert.True(tracked.requires_grad);
        Assert.False(fused.isnan().any().item<bool>());
        TensorAssert.Close(fused, tracked.detach(), Tolerance.Float64, output, $"{spec} causal {causal} masked {masked} scale {scale}");
    }

    [Fact]
    public void ZeroStateAndFullyMaskedRowsAgree()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(45, 2, 1, 3, 4, 2, 1);
        var phi = FeatureMapParser.Parse("elu1", 4);
        var z = zeros([1, phi.R, 2], ScalarType.Float64);
        var kSum = zeros([1, phi.R], ScalarType.Float64);
        var mask = KeyMask.Keep(tensor(new[] { false, false, false, true, false, true }, [2, 3]));
        Tensor fused;
        using (no_grad())
        {
            fused = NtkAttention.Forward(q, k, v, phi, z, kSum, false, mask);
        }

        var tracked = NtkAttention.Forward(q.detach().requires_grad_(true), k, v, phi, z, kSum, false, mask);
        TensorAssert.Close(fused, tracked.detach(), Tolerance.Float64, output, "zero state, masked rows");
        Assert.Equal(0.0, fused[0].abs().sum().item<double>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SignedPrefixWeightsAgree(bool causal)
    {
        // k(P) of either sign (a trained k is not kept positive): the direct path's sign(W) term and the exact stream agree.
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(47, 2, 3, 5, 4, 3, 1);
        var phi = FeatureMapParser.Parse("elu1", 4);
        var z = Randn(48, [3, phi.R, 3], 0.3);
        var kSum = Randn(49, [3, phi.R]);
        Tensor fused;
        using (no_grad())
        {
            fused = NtkAttention.Forward(q, k, v, phi, z, kSum, causal);
        }

        var tracked = NtkAttention.Forward(q.detach().requires_grad_(true), k, v, phi, z, kSum, causal);
        TensorAssert.Close(fused, tracked.detach(), Tolerance.Float64, output, $"signed k, causal {causal}");
    }

    [Fact]
    public void DirectPathTakesTheCommonCaseAndDeclinesTheRest()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(50, 1, 2, 6, 4, 3, 1);
        var (big, _, _, _, _) = Case(50, 1, 2, 6, 4, 3, 1, 40.0);
        long rows = 2 * 6;
        var values = v.view(2, 6, 3);
        var numerator = Randn(51, [rows, 3]);
        var weight = Randn(52, [rows, 1]).abs() + 0.5;
        var shift = weight.log();
        using (no_grad())
        {
            var direct = StreamedAttention.TryDirectWithTerm(q.view(2, 6, 4), k.view(2, 6, 4), values, null, false, shift, weight, numerator);
            Assert.NotNull(direct);

            // The definition, unshifted: (N + sum_j e^(q.k_j) v_j) / (W + sum_j e^(q.k_j)) with logScale 0.
            var e = bmm(q.view(2, 6, 4), k.view(2, 6, 4).transpose(1, 2)).exp();
            var expected = (numerator + bmm(e, values).view(rows, 3)) / (weight + e.sum(-1).view(rows, 1));
            TensorAssert.Close(direct!, expected, Tolerance.Float64, output, "direct against the definition");

            // Declined: scores beyond e^FastPathLimit, a row without a usable term (log |W| = -inf), a vanishing denominator.
            Assert.Null(StreamedAttention.TryDirectWithTerm(big.view(2, 6, 4), k.view(2, 6, 4) * 40.0, values, null, false, shift, weight, numerator));
            var zeroed = weight.clone();
            zeroed[3] = tensor(0.0);
            Assert.Null(StreamedAttention.TryDirectWithTerm(q.view(2, 6, 4), k.view(2, 6, 4), values, null, false, zeroed.abs().log(), zeroed, numerator));
            // One visible key with e^(0 - 0) = 1 against W = -1: 1 + sign(W) = 0.
            var oneKey = full([2, 1, 6], double.NegativeInfinity, ScalarType.Float64);
            oneKey[.., .., 0] = tensor(0.0);
            var minusOne = -ones([rows, 1], ScalarType.Float64);
            Assert.Null(StreamedAttention.TryDirectWithTerm(zeros([2, 6, 4], ScalarType.Float64), k.view(2, 6, 4), values, oneKey, false, zeros([rows, 1], ScalarType.Float64), minusOne, numerator));
        }
    }
}
