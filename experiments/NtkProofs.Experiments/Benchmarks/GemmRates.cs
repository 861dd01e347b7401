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
/// <param name="ExpFloat64Ns">Nanoseconds per element of libtorch's in-place float64 exp in this run (null: not probed).</param>
/// <param name="ExpFloat32Ns">Nanoseconds per element of libtorch's in-place float32 exp in this run (null: not probed).</param>
public sealed record GemmRates(int SquareSize, double Float64Gflops, double Float32Gflops, string BatchedShape, double BatchedFloat32Gflops, int Threads, double? ExpFloat64Ns = null, double? ExpFloat32Ns = null)
{
    /// <summary>The square-product rate of a precision ("float64" or "float32").</summary>
    /// <param name="precision">float64 or float32.</param>
    public double Square(string precision) => Of(precision, Float64Gflops, Float32Gflops);

    /// <summary>The exp cost per element of a precision, or null when not probed (or not finite).</summary>
    /// <param name="precision">float64 or float32.</param>
    public double? ExpNs(string precision) => Of(precision, ExpFloat64Ns, ExpFloat32Ns) is { } v && double.IsFinite(v) && v >= 0 ? v : null;

    /// <summary>
    /// The least time this run's probes allow for some work: the counted products at the square GEMM rate plus one exp per
    /// element at libtorch's exp rate (products alone when the exp rate was not probed, still a lower bound); null when that
    /// time is not a positive finite number (a rate not measured).
    /// </summary>
    /// <param name="precision">float64 or float32.</param>
    /// <param name="flops">Counted matrix-product work.</param>
    /// <param name="exps">Exponentials the work needs.</param>
    public double? FloorSeconds(string precision, double flops, double exps)
    {
        double floor = (flops / (Square(precision) * 1e9)) + (exps * (ExpNs(precision) ?? 0) * 1e-9);
        return double.IsFinite(floor) && floor > 0 ? floor : null;
    }

    private static T Of<T>(string precision, T float64, T float32) => precision switch
    {
        "float64" => float64,
        "float32" => float32,
        _ => throw new ArgumentException($"precision must be float64 or float32, got '{precision}'", nameof(precision)),
    };
}
