using NtkProofs.Model;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// The floating-point work the benchmarks count: the matrix products only (multiply and add counted as two operations),
/// never the exponentials or elementwise passes, so that work / time compares directly with a GEMM rate; and, apart, the
/// exponentials each computation needs, which the floor (<see cref="GemmRates.FloorSeconds"/>) charges at the run's exp rate.
/// </summary>
public static class PerfFlops
{
    /// <summary>
    /// The empirical kernel: X P^T (2 n m d) and the key Gram G G^T (2 (n c)^2 m), so 2 n m (n + d) for the fixed path with
    /// c = 1; the separate and tied paths add the weight Gram S S^T (2 n^2 m); the tied path adds the cross product
    /// S G^T (2 n^2 c m).
    /// </summary>
    /// <param name="path">Value path.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="c">Output dimension (d on the tied path).</param>
    /// <param name="m">Prefix length.</param>
    public static double Kernel(ValuePath path, long n, long d, long c, long m) =>
        (2.0 * n * m * d) + (2.0 * n * c * n * c * m)
        + (path != ValuePath.FixedValue ? 2.0 * n * n * m : 0)
        + (path == ValuePath.TiedValue ? 2.0 * n * n * c * m : 0);

    /// <summary>
    /// The kernel's work for the floor: <see cref="Kernel"/> with each symmetric Gram product (G G^T and S S^T) at half, since
    /// only one triangle needs computing (our fused and block paths compute the upper one). The cross product S G^T is not
    /// symmetric and stays whole.
    /// </summary>
    /// <param name="path">Value path.</param>
    /// <param name="n">Samples.</param>
    /// <param name="d">Input dimension.</param>
    /// <param name="c">Output dimension.</param>
    /// <param name="m">Prefix length.</param>
    public static double KernelFloor(ValuePath path, long n, long d, long c, long m) =>
        Kernel(path, n, d, c, m) - (1.0 * n * c * n * c * m) - (path != ValuePath.FixedValue ? 1.0 * n * n * m : 0);

    /// <summary>Prefix attention forward: Q [K_P; K]^T and P [V_P; V], 4 H L (m + L) d.</summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="dim">Head dimension d.</param>
    public static double PrefixForward(long heads, long length, long m, long dim) => 4.0 * heads * length * (m + length) * dim;

    /// <summary>
    /// Forward plus a recomputing backward, counted as FlashAttention counts it: the backward recomputes the scores and forms
    /// dV, dP, dQ and dK, five products of the forward's size, so 3.5 times the forward's work.
    /// </summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="m">Prefix length.</param>
    /// <param name="dim">Head dimension d.</param>
    public static double PrefixForwardBackward(long heads, long length, long m, long dim) => 3.5 * PrefixForward(heads, length, m, dim);

    /// <summary>NTK-Attention forward: Q K^T and P V over the L x L block (4 H L^2 d), phi(Q) Z (2 H L r d) and phi(Q) k (2 H L r).</summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="features">Feature dimension r of phi.</param>
    /// <param name="dim">Head dimension d.</param>
    public static double NtkForward(long heads, long length, long features, long dim) =>
        (4.0 * heads * length * length * dim) + (2.0 * heads * length * features * dim) + (2.0 * heads * length * features);

    /// <summary>A square product of size <paramref name="size"/>: 2 size^3.</summary>
    /// <param name="size">Matrix size.</param>
    public static double Square(long size) => 2.0 * size * size * size;

    /// <summary>A batched product [H, L, d] x [H, d, b]: 2 H L d b.</summary>
    /// <param name="heads">Batch H.</param>
    /// <param name="length">Rows L.</param>
    /// <param name="dim">Inner dimension d.</param>
    /// <param name="columns">Columns b.</param>
    public static double Batched(long heads, long length, long dim, long columns) => 2.0 * heads * length * dim * columns;

    /// <summary>Exponentials of the empirical kernel: the softmax over the prefix of every sample, n m (every path).</summary>
    /// <param name="n">Samples.</param>
    /// <param name="m">Prefix length.</param>
    public static double KernelExps(long n, long m) => (double)n * m;

    /// <summary>Exponentials of the prefix attention forward: one per score, H L (m + L).</summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="m">Prefix length.</param>
    public static double PrefixForwardExps(long heads, long length, long m) => (double)heads * length * (m + length);

    /// <summary>Exponentials of forward plus recomputing backward: the backward recomputes every score's, 2 H L (m + L).</summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="m">Prefix length.</param>
    public static double PrefixForwardBackwardExps(long heads, long length, long m) => 2 * PrefixForwardExps(heads, length, m);

    /// <summary>Exponentials of NTK-Attention forward: the L x L scores and one per feature of phi(Q) (elu1: the negative part), H L (L + r).</summary>
    /// <param name="heads">Heads H.</param>
    /// <param name="length">Input length L.</param>
    /// <param name="features">Feature dimension r of phi.</param>
    public static double NtkForwardExps(long heads, long length, long features) => (double)heads * length * (length + features);
}
