namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// The machine's matrix-product rates measured in the same run as the benchmarks they scale (TorchSharp, same thread count),
/// each from the minimum time over every sample of every round.
/// </summary>
/// <param name="SquareSize">Size of the square products.</param>
/// <param name="Float64Gflops">GFLOP/s of a square float64 product (the reference of the kernel's fractions).</param>
/// <param name="Float32Gflops">GFLOP/s of a square float32 product (the reference of the attention fractions).</param>
/// <param name="BatchedShape">The batched float32 product's shape, "[H, L, d] x [H, d, b]".</param>
/// <param name="BatchedFloat32Gflops">GFLOP/s of that batched product, the shape of one block of the streamed attention.</param>
/// <param name="Threads">TorchSharp threads.</param>
public sealed record GemmRates(int SquareSize, double Float64Gflops, double Float32Gflops, string BatchedShape, double BatchedFloat32Gflops, int Threads)
{
    /// <summary>The square-product rate of a precision ("float64" or "float32").</summary>
    /// <param name="precision">float64 or float32.</param>
    public double Square(string precision) => precision switch
    {
        "float64" => Float64Gflops,
        "float32" => Float32Gflops,
        _ => throw new ArgumentException($"precision must be float64 or float32, got '{precision}'", nameof(precision)),
    };
}
