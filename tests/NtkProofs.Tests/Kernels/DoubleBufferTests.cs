using NtkProofs.Kernels;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Kernels;

/// <summary><see cref="DoubleBuffer"/>: a CPU tensor's storage read in place (no copy), arrays as they are, bad sizes refused.</summary>
public sealed class DoubleBufferTests
{
    [Fact]
    public void ATensorsBytesAreReadInPlace()
    {
        using var t = arange(6, ScalarType.Float64);
        var buffer = DoubleBuffer.InPlace(t.bytes);
        Assert.Equal(6, buffer.Length);
        Assert.Equal([0.0, 1, 2, 3, 4, 5], buffer.Span.ToArray());
        t[2] = tensor(42.0);   // a copy would not see this write
        Assert.Equal(42.0, buffer.Span[2]);
    }

    [Fact]
    public void ArraysAndBadSizes()
    {
        Assert.Equal([1.0, 2], new DoubleBuffer([1.0, 2]).Span.ToArray());
        Assert.Throws<ArgumentException>(() => DoubleBuffer.InPlace(new byte[12]));
        Assert.Throws<ArgumentException>(() => new DoubleBuffer(IntPtr.Zero, 3));
        Assert.Throws<ArgumentException>(() => FusedCpuKernel.Grams([1.0, 2], [1.0], [1.0], 1, 2, 1, 1, false, 1));
    }
}
