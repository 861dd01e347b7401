using NtkProofs.Numerics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Support;

/// <summary>Tensor comparisons routed through <see cref="Tolerance"/>, logging the achieved error.</summary>
internal static class TensorAssert
{
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
