namespace NtkProofs.Experiments.Benchmarks;

/// <summary>One case of the NumPy kernel baseline (experiments/baselines/kernel_baseline.py).</summary>
/// <param name="Variant">fixed, separate or tied.</param>
/// <param name="N">Samples.</param>
/// <param name="D">Input dimension.</param>
/// <param name="C">Output dimension (d on the tied path).</param>
/// <param name="M">Prefix length.</param>
/// <param name="Flops">The work the script counts (the same as <see cref="PerfFlops.Kernel"/>).</param>
/// <param name="Samples">Wall seconds of every timed call.</param>
public sealed record KernelBaselineRow(string Variant, int N, int D, int C, long M, double Flops, IReadOnlyList<double> Samples)
{
    /// <summary>The fastest sample (NaN without samples).</summary>
    public double SecondsMin => Samples.Count == 0 ? double.NaN : Samples.Min();

    /// <summary>The same case (variant and sizes).</summary>
    /// <param name="other">Another row.</param>
    public bool SameCase(KernelBaselineRow other) =>
        other is not null && other.Variant == Variant && other.N == N && other.D == D && other.C == C && other.M == M;
}
