using static TorchSharp.torch;

namespace NtkProofs.Numerics;

/// <summary>
/// Derives independent, reproducible seeds from one master seed (SplitMix64 mixing), so an experiment reruns bit-for-bit
/// from the master seed printed in its report.
/// </summary>
public static class Seeds
{
    /// <summary>The project's default master seed.</summary>
    public const long Master = 20240620;

    /// <summary>A seed for stream <paramref name="stream"/>, index <paramref name="index"/> under <paramref name="master"/>.</summary>
    /// <param name="master">Master seed.</param>
    /// <param name="stream">A small integer naming the purpose (inputs, prefix, targets, ...).</param>
    /// <param name="index">Replicate index.</param>
    public static long Derive(long master, int stream, long index)
    {
        ulong z = unchecked((ulong)master + 0x9E3779B97F4A7C15UL * (ulong)(stream + 1) + 0xBF58476D1CE4E5B9UL * (ulong)(index + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (long)(z >> 1);
    }

    /// <summary>
    /// A standard normal tensor drawn by a TorchSharp generator seeded with <see cref="Derive"/>(master, stream, 0), so a
    /// tensor is reproducible from the master seed and its stream number alone.
    /// </summary>
    /// <param name="master">Master seed.</param>
    /// <param name="stream">Stream number of this tensor.</param>
    /// <param name="shape">Shape.</param>
    /// <param name="dtype">Scalar type the generator draws in.</param>
    /// <param name="placement">Device of the result (default CPU); drawn on the CPU either way, so every device sees the same numbers.</param>
    public static Tensor Normal(long master, int stream, long[] shape, ScalarType dtype, DevicePlacement? placement = null)
    {
        using var generator = new Generator(unchecked((ulong)Derive(master, stream, 0)));
        return (placement ?? DevicePlacement.Cpu).Randn(generator, dtype, shape);
    }
}
