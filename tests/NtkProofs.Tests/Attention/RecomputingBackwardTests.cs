using NtkProofs.Attention;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>
/// The recomputing backward of <see cref="PrefixAttention.Forward"/> (<c>recompute: true</c>) against autograd through the
/// block operations (<c>recompute: false</c>), in float64, for every input: q, k, v, prefix keys and values.
/// </summary>
public sealed class RecomputingBackwardTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1, false, 1L, false)]
    [InlineData(2, 3, 5, 4, 2, 7, false, 3L, false)]
    [InlineData(2, 2, 6, 3, 5, 9, true, 2L, true)]
    [InlineData(1, 2, 4, 2, 3, 0, true, 4L, false)]
    [InlineData(3, 1, 7, 5, 1, 33, true, 1024L, true)]
    [InlineData(2, 2, 8, 4, 4, 70, false, 16L, true)]
    public void GradientsMatchAutogradThroughTheBlocks(int batch, int heads, int length, int d, int dv, int m, bool causal, long blockSize, bool masked)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(300 + m, batch, heads, length, d, dv, m);
        var mask = masked ? KeyMask.Keep(Randn(301, [batch, length]).gt(-0.8)) : null;
        Compare([q, k, v, pk, pv], causal, mask, blockSize, $"B{batch} H{heads} L{length} m{m}");
    }

    [Fact]
    public void PerBatchPrefixGradientsMatch()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(17, 3, 2, 4, 3, 2, 1);
        var keep = tensor(new[] { true, false, true, true, true, true, false, true, true, true, true, false }, [3, 4]);
        Compare([q, k, v, Randn(18, [3, 2, 11, 3]), Randn(19, [3, 2, 11, 2])], true, KeyMask.Keep(keep), 4, "per-batch prefix");
    }

    /// <summary>Scores rising by far more than e^30 from block to block: the forward takes the exact path every block.</summary>
    [Fact]
    public void RisingScoresGradientsMatch()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, pv) = Case(93, 1, 2, 3, 2, 2, 40);
        var direction = q.mean([0, 1, 2]);
        direction = direction / direction.norm();
        var pk = Randn(94, [2, 40, 2], 0.1) + (linspace(-200, 200, 40, ScalarType.Float64).view(1, 40, 1) * direction);
        Compare([q, k, v, pk, pv], false, null, 4, "rising");
    }

    /// <summary>A row whose every input key is padded and no prefix: output 0, gradient 0, no NaN.</summary>
    [Fact]
    public void FullyMaskedRowsGiveZeroGradients()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(5, 2, 1, 3, 2, 2, 0);
        var keep = tensor(new[] { false, false, false, true, true, false }, [2, 3]);
        Compare([q, k, v, pk, pv], false, KeyMask.Keep(keep), 2, "masked rows");
    }

    [Fact]
    public void TheFusedForwardWithoutGradientsEqualsTheAutogradForward()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(77, 2, 2, 5, 3, 3, 37);
        Tensor fused;
        using (no_grad())
        {
            fused = PrefixAttention.Forward(q, k, v, pk, pv, causal: true, blockSize: 8);
        }

        var leaves = new[] { q, k, v, pk, pv }.Select(t => t.detach().requires_grad_(true)).ToArray();
        var tracked = PrefixAttention.Forward(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], causal: true, blockSize: 8);
        Assert.True(tracked.requires_grad);
        Assert.False(fused.requires_grad);
        TensorAssert.Close(fused, tracked.detach(), Tolerance.Float64, output, "fused forward");
    }

    private void Compare(Tensor[] inputs, bool causal, KeyMask? mask, long blockSize, string label)
    {
        var weights = Randn(999, [.. inputs[0].shape[..3], inputs[2].shape[3]]);
        var reference = Gradients(inputs, causal, mask, blockSize, recompute: false, weights);
        var recomputed = Gradients(inputs, causal, mask, blockSize, recompute: true, weights);
        string[] names = ["q", "k", "v", "prefix keys", "prefix values"];
        TensorAssert.Close(recomputed.Output, reference.Output, Tolerance.Float64, output, $"{label}: output");
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(reference.Gradients[i].shape, recomputed.Gradients[i].shape);
            if (reference.Gradients[i].numel() == 0)
            {
                continue;
            }

            Assert.False(recomputed.Gradients[i].isnan().any().item<bool>(), $"{label}: NaN in d{names[i]}");
            TensorAssert.Close(recomputed.Gradients[i], reference.Gradients[i], Tolerance.Float64, output, $"{label}: d{names[i]}");
        }
    }

    private static (Tensor Output, Tensor[] Gradients) Gradients(Tensor[] inputs, bool causal, KeyMask? mask, long blockSize, bool recompute, Tensor weights)
    {
        var leaves = inputs.Select(t => t.detach().requires_grad_(true)).ToArray();
        var result = PrefixAttention.Forward(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], causal, mask, blockSize, recompute);
        (result * weights).sum().backward();
        return (result.detach(), leaves.Select(l => l.grad is { } g ? g.clone() : zeros_like(l)).ToArray());
    }
}
