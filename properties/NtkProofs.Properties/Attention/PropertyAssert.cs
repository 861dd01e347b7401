using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Properties.Attention;

/// <summary>Tensor comparisons for the attention properties, through <see cref="Tolerance"/>; failures name the case.</summary>
internal static class PropertyAssert
{
    public static Comparison Close(Tensor actual, Tensor expected, Tolerance tolerance, string what)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape), $"{what}: shape [{string.Join(", ", actual.shape)}] vs expected [{string.Join(", ", expected.shape)}]");
        using var a = actual.detach().to(ScalarType.Float64).contiguous();
        using var e = expected.detach().to(ScalarType.Float64).contiguous();
        var comparison = tolerance.Compare(a.data<double>().ToArray(), e.data<double>().ToArray());
        Assert.True(comparison.Passed, $"{what}: {comparison}");
        return comparison;
    }

    /// <summary>max |a - b| over all entries.</summary>
    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        using var d = (a.detach().to(ScalarType.Float64) - b.detach().to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }
}
