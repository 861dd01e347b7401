using NtkProofs.Attention;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>Streamed prefix attention against the managed-loop oracle and the materialized <see cref="DenseAttention"/>.</summary>
public sealed class PrefixAttentionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1, false, 1L)]
    [InlineData(2, 3, 5, 4, 2, 7, false, 3L)]
    [InlineData(2, 2, 6, 3, 5, 9, true, 2L)]
    [InlineData(1, 2, 4, 2, 3, 0, true, 4L)]
    [InlineData(3, 1, 7, 5, 1, 33, true, 1024L)]
    public void MatchesTheLoopOracle(int batch, int heads, int length, int d, int dv, int m, bool causal, long blockSize)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(100 + m, batch, heads, length, d, dv, m);
        var expected = ToTensor(Loops(q, k, v, pk, pv, causal, null));
        TensorAssert.Close(PrefixAttention.Forward(q, k, v, pk, pv, causal, blockSize: blockSize), expected, Tolerance.Float64, output, "streamed");
        TensorAssert.Close(DenseAttention.Forward(q, k, v, pk, pv, causal), expected, Tolerance.Float64, output, "dense");
        TensorAssert.Close(DenseAttention.ForwardWithPrefixWeight(q, k, v, pk, pv, s => s.exp(), causal), expected, Tolerance.Float64, output, "dense ratio form");
    }

    /// <summary>
    /// Prefix keys sorted so that every block's scores exceed the previous block's by far more than the fast path accepts
    /// (e^30): each block falls back to the exact path and rescales the state; the result is still exact.
    /// </summary>
    [Fact]
    public void ScoresRisingAcrossBlocksAreHandledExactly()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, pv) = Case(91, 1, 2, 3, 2, 2, 40);
        var direction = q.mean([0, 1, 2]);
        direction = direction / direction.norm();
        var ramp = linspace(-200, 200, 40, ScalarType.Float64).view(1, 40, 1);
        var pk = Randn(92, [2, 40, 2], 0.1) + (ramp * direction);
        var expected = ToTensor(Loops(q, k, v, pk, pv, false, null));
        TensorAssert.Close(PrefixAttention.Forward(q, k, v, pk, pv, blockSize: 4), expected, Tolerance.Float64, output, "rising");
        TensorAssert.Close(PrefixAttention.Forward(q, k, v, pk.flip(1), pv.flip(1), blockSize: 4), expected, Tolerance.Float64, output, "falling");
    }

    [Fact]
    public void PerBatchPrefixMatchesTheSharedOneBatchByBatch()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _, _) = Case(7, 3, 2, 4, 3, 2, 1);
        var pk = Randn(8, [3, 2, 11, 3]);
        var pv = Randn(9, [3, 2, 11, 2]);
        var keep = tensor(new[] { true, false, true, true, true, true, false, true, true, true, true, false }, [3, 4]);
        var all = PrefixAttention.Forward(q, k, v, pk, pv, causal: true, KeyMask.Keep(keep), blockSize: 4);
        for (int b = 0; b < 3; b++)
        {
            var one = PrefixAttention.Forward(q[b..(b + 1)], k[b..(b + 1)], v[b..(b + 1)], pk[b], pv[b], causal: true, KeyMask.Keep(keep[b..(b + 1)]), blockSize: 5);
            TensorAssert.Close(all[b..(b + 1)], one, Tolerance.Float64, output, $"batch {b}");
        }
    }

    [Fact]
    public void PaddingMasksInAllThreeSpellingsAgreeAndHideTheKeys()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(21, 2, 2, 5, 3, 4, 6);
        bool[][] keep = [[true, true, false, true, false], [true, false, true, true, true]];
        var keepTensor = tensor(keep.SelectMany(r => r).ToArray(), [2, 5]);
        var expected = ToTensor(Loops(q, k, v, pk, pv, true, keep));
        var masks = new[]
        {
            KeyMask.Keep(keepTensor),
            KeyMask.Keep(keepTensor.to(ScalarType.Int64)),
            KeyMask.Padding(keepTensor.logical_not()),
            KeyMask.Additive(zeros(2, 5, dtype: ScalarType.Float64).masked_fill(keepTensor.logical_not(), -1e30)),
        };
        foreach (var mask in masks)
        {
            TensorAssert.Close(PrefixAttention.Forward(q, k, v, pk, pv, true, mask, blockSize: 4), expected, Tolerance.Float64, output, "streamed, masked");
            TensorAssert.Close(DenseAttention.Forward(q, k, v, pk, pv, true, mask), expected, Tolerance.Float64, output, "dense, masked");
        }

        // Changing what sits behind a masked key changes nothing.
        var v2 = v.clone();
        v2[0, .., 2] = full_like(v2[0, .., 2], 1e6);
        TensorAssert.Close(PrefixAttention.Forward(q, k, v2, pk, pv, true, masks[0]), expected, Tolerance.Float64, output, "masked key's value changed");
    }

    [Fact]
    public void FullyMaskedRowsStillSeeThePrefixAndWithoutPrefixAreZero()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Case(31, 1, 1, 3, 2, 2, 4);
        var none = KeyMask.Keep(zeros(1, 3, dtype: ScalarType.Bool));
        var prefixOnly = PrefixAttention.Forward(q, k, v, pk, pv, false, none);
        var expected = ToTensor(Loops(q, k, v, pk, pv, false, [[false, false, false]]));
        TensorAssert.Close(prefixOnly, expected, Tolerance.Float64, output, "input keys all masked");
        var empty = PrefixAttention.Forward(q, k, v, pk.narrow(1, 0, 0), pv.narrow(1, 0, 0), false, none);
        Assert.Equal(0.0, empty.abs().max().item<double>());
    }

    [Fact]
    public void GradientsMatchTheDenseReference()
    {
        using var scope = NewDisposeScope();
        var (q0, k0, v0, pk0, pv0) = Case(41, 2, 2, 4, 3, 2, 9);
        Tensor[] Leaves() => [q0.clone().requires_grad_(true), k0.clone().requires_grad_(true), v0.clone().requires_grad_(true), pk0.clone().requires_grad_(true), pv0.clone().requires_grad_(true)];
        var a = Leaves();
        var b = Leaves();
        var weights = Randn(42, [2, 2, 4, 2]);
        var streamed = (PrefixAttention.Forward(a[0], a[1], a[2], a[3], a[4], causal: true, blockSize: 4) * weights).sum();
        var dense = (DenseAttention.Forward(b[0], b[1], b[2], b[3], b[4], causal: true) * weights).sum();
        var ga = autograd.grad([streamed], a);
        var gb = autograd.grad([dense], b);
        string[] names = ["q", "k", "v", "K_P", "V_P"];
        for (int i = 0; i < 5; i++)
        {
            TensorAssert.Close(ga[i], gb[i], Tolerance.Float64, output, $"d/d{names[i]}");
        }
    }
}
