using NtkProofs.Numerics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Support;

/// <summary>Tensor comparisons routed through <see cref="Tolerance"/>, logging the achieved error.</summary>
internal static class TensorAssert
{
    /// <summary>True when both tensors have the same shape and dtype and every element is bit-for-bit equal (no NaN).</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype)
        {
            return false;
        }

        using var eq = a.eq(b).all();
        return eq.item<bool>();
    }

    public static Comparison Close(Tensor actual, Tensor expected, Tolerance tolerance, ITestOutputHelper? output = null, string what = "")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.detach().to(ScalarType.Float64).contiguous();
        using var e = expected.detach().to(ScalarType.Float64).contiguous();
        var comparison = tolerance.Compare(a.data<double>().ToArray(), e.data<double>().ToArray());
        output?.WriteLine($"{what}: {comparison}");
        Assert.True(comparison.Passed, $"{what}: {comparison}");
        return comparison;
    }
}
