using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Transformers;

public sealed class ScaledDotProductAttentionTests
{
    [Fact]
    public void Matches_a_per_row_reference_and_gives_masked_keys_zero_weight()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var q = randn(2, 3, 4, 5, dtype: ScalarType.Float64);
        var k = randn(2, 3, 6, 5, dtype: ScalarType.Float64);
        var v = randn(2, 3, 6, 2, dtype: ScalarType.Float64);
        var mask = tensor(new[] { true, true, true, true, true, true, true, false, true, false, false, true }).view(2, 6);
        var actual = ScaledDotProductAttention.Compute(q, k, v, mask, 0.0);

        var expected = zeros(2, 3, 4, 2, dtype: ScalarType.Float64);
        for (int b = 0; b < 2; b++)
        {
            var keep = mask[b].nonzero().squeeze(1);
            var kb = k[b].index_select(1, keep);
            var vb = v[b].index_select(1, keep);
            var w = softmax(q[b].bmm(kb.transpose(1, 2)) / Math.Sqrt(5), -1);
            expected[b] = w.bmm(vb);
        }

        TensorAssert.Close(actual, expected, Tolerance.Float64);
    }

    [Fact]
    public void Mismatched_shapes_throw_instead_of_aborting_the_process()
    {
        using var scope = NewDisposeScope();
        var q = zeros(1, 2, 3, 4);
        var k = zeros(1, 2, 3, 5);
        var mask = ones(1, 3, dtype: ScalarType.Bool);
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(q, k, k, mask, 0.0));
        Assert.Throws<ArgumentException>(() => ScaledDotProductAttention.Compute(q, q, q, ones(1, 4, dtype: ScalarType.Bool), 0.0));
    }
}
