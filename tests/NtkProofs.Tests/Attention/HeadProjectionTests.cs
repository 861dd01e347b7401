using NtkProofs.Attention;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>Projection of tokens into per-head queries, keys and values.</summary>
public sealed class HeadProjectionTests(ITestOutputHelper output)
{
    [Fact]
    public void SplitsColumnsIntoHeads()
    {
        using var scope = NewDisposeScope();
        var x = Randn(1, [2, 5, 4]);
        var w = Randn(2, [4, 6]);
        var projected = HeadProjection.Project(x, w, heads: 3);
        Assert.Equal(new long[] { 2, 3, 5, 2 }, projected.shape);
        for (int h = 0; h < 3; h++)
        {
            TensorAssert.Close(projected[.., h], matmul(x, w[.., (2 * h)..(2 * h + 2)]), Tolerance.Float64, output, $"head {h}");
        }

        var prefix = HeadProjection.Project(x[0], w, heads: 3);
        Assert.Equal(new long[] { 3, 5, 2 }, prefix.shape);
    }

    [Fact]
    public void RejectsMismatchedWeights()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => HeadProjection.Project(zeros(5, 4, dtype: ScalarType.Float64), zeros(3, 6, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => HeadProjection.Project(zeros(5, 4, dtype: ScalarType.Float64), zeros(4, 7, dtype: ScalarType.Float64), heads: 2));
        Assert.Throws<ArgumentException>(() => HeadProjection.Project(zeros(4, dtype: ScalarType.Float64), zeros(4, 4, dtype: ScalarType.Float64)));
    }
}
