using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Statistics;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkProofs.Measurements;

/// <summary>How the controlled problems of <see cref="BoundExperiment"/> are built.</summary>
public enum BoundGeometry
{
    /// <summary>Random directions; values N(0, 1) independent of the keys (errors average out over the prefix like m^-1/2).</summary>
    IndependentValues,

    /// <summary>
    /// Random directions; every value is a fixed linear map of its key, v = W kappa / |kappa| with W [d_v, d] ~ N(0, 1/d), as
    /// when keys and values both come from the same prefix tokens (K_P = P W_K, V_P = P W_V).
    /// </summary>
    KeyCorrelatedValues,

    /// <summary>
    /// Near the worst case of the proof: every query along one direction u, prefix keys at +u (score +beta0, value -1) or -u
    /// (score -beta0, value +1), in proportion e^(-beta0) : e^(beta0) so that both groups carry half the weight; input keys
    /// orthogonal to u with value 0.
    /// </summary>
    Adversarial,
}

/// <summary>One measurement of Theorem B: NTK-Attention with Taylor(g) and closed-form Z, k against exact prefix attention.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Causal">Whether the input block was causally masked.</param>
/// <param name="Bound">beta, eps_g, the bound, and whether it is claimed.</param>
/// <param name="Measured">||NTK-Attn - PrefixAttn||_inf (float64).</param>
public sealed record BoundRow(int PrefixLength, bool Causal, TheoremBBound Bound, double Measured)
{
    /// <summary>measured / bound (NaN when the bound is not claimed).</summary>
    public double Tightness => Bound.Tightness(Measured);

    /// <summary>Whether the measurement respects the bound (always true when it is not claimed).</summary>
    public bool Holds => !Bound.Claimed || Measured <= Bound.Bound + BoundExperiment.RoundingSlack(Bound.ValueMax);
}

/// <summary>The corollary at one m: error for a fixed g and for the smallest even g(m) meeting m^-c.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Fixed">The row at the fixed degree.</param>
/// <param name="Adaptive">The row at g(m).</param>
/// <param name="Target">m^-c, the relative error target of g(m).</param>
public sealed record CorollaryRow(int PrefixLength, BoundRow Fixed, BoundRow Adaptive, double Target);

/// <summary>The corollary over a range of m: the rows and the fitted log-log slopes of the measured error.</summary>
/// <param name="Rows">One row per m.</param>
/// <param name="FixedSlope">Slope of log(error) against log m at fixed g (theory: about 0, flat).</param>
/// <param name="AdaptiveSlope">Slope at g(m) (theory: at most about -c).</param>
/// <param name="Exponent">c.</param>
public sealed record CorollaryResult(IReadOnlyList<CorollaryRow> Rows, LogLogFit FixedSlope, LogLogFit AdaptiveSlope, double Exponent);

/// <summary>
/// Runs Theorem B on controlled problems: queries and prefix keys lie on spheres of radius sqrt(beta0 sqrt d), so that
/// beta &lt;= beta0 whatever m is (Cauchy-Schwarz); input keys lie on the same sphere; values per <see cref="BoundGeometry"/>.
/// Everything is float64.
/// Used by the property tests and by <c>ntkproofs ntk-bound</c>.
/// </summary>
public static class BoundExperiment
{
    /// <summary>Absolute slack for float64 rounding in the comparison with the bound: 1e-12 max |v|.</summary>
    /// <param name="valueMax">max |v|.</param>
    public static double RoundingSlack(double valueMax) => 1e-12 * valueMax;

    /// <summary>Measures one case (one batch, one head).</summary>
    /// <param name="dim">d.</param>
    /// <param name="length">L.</param>
    /// <param name="valueDim">d_v.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="targetBeta">beta0, the radius parameter (beta &lt;= beta0).</param>
    /// <param name="degree">g.</param>
    /// <param name="causal">Causal mask on the input block.</param>
    /// <param name="seed">Seed of all tensors.</param>
    /// <param name="geometry">How keys and values are built.</param>
    /// <param name="placement">Device of every tensor (null: CPU).</param>
    public static BoundRow Measure(int dim, int length, int valueDim, int prefixLength, double targetBeta, int degree, bool causal, long seed, BoundGeometry geometry = BoundGeometry.KeyCorrelatedValues, DevicePlacement? placement = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(targetBeta);
        return Measure(dim, length, valueDim, prefixLength, targetBeta, new TaylorFeatureMap(dim, degree), causal, seed, geometry, placement);
    }

    /// <summary>
    /// Measures one case with any feature map and its closed-form Z, k. Theorem B's bound is evaluated for a Taylor map only;
    /// for other maps (positive random features, ELU+1) the row carries the measured error and no claimed bound (degree 0).
    /// </summary>
    /// <param name="dim">d.</param>
    /// <param name="length">L.</param>
    /// <param name="valueDim">d_v.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="targetBeta">beta0, the radius parameter (beta &lt;= beta0).</param>
    /// <param name="phi">The feature map (input dimension d).</param>
    /// <param name="causal">Causal mask on the input block.</param>
    /// <param name="seed">Seed of all tensors.</param>
    /// <param name="geometry">How keys and values are built.</param>
    /// <param name="placement">Device of every tensor (null: CPU).</param>
    public static BoundRow Measure(int dim, int length, int valueDim, int prefixLength, double targetBeta, IFeatureMap phi, bool causal, long seed, BoundGeometry geometry = BoundGeometry.KeyCorrelatedValues, DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(targetBeta);
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = Problem(dim, length, valueDim, prefixLength, targetBeta, seed, geometry, placement);
        var (z, kSum) = PrefixAccumulator.Compute(phi, pk, pv);
        var ntk = NtkAttention.Forward(q, k, v, phi, z, kSum, causal);
        var exact = PrefixAttention.Forward(q, k, v, pk, pv, causal);
        double measured = (ntk - exact).abs().max().item<double>();
        double beta = TheoremB.Beta(q, pk), valueMax = TheoremB.ValueMax(v, pv);
        var bound = phi is TaylorFeatureMap taylor
            ? TheoremB.Evaluate(beta, taylor.Degree, valueMax)
            : new TheoremBBound(beta, 0, double.NaN, valueMax, double.PositiveInfinity, Claimed: false);
        return new BoundRow(prefixLength, causal, bound, measured);
    }

    /// <summary>
    /// The corollary: for each m, the error at a fixed g and at g(m) = the smallest even g whose relative bound is &lt;= m^-c,
    /// and log-log slopes of both error series.
    /// </summary>
    /// <param name="dim">d.</param>
    /// <param name="length">L.</param>
    /// <param name="prefixLengths">The m values (at least two).</param>
    /// <param name="targetBeta">beta0.</param>
    /// <param name="fixedDegree">The fixed g.</param>
    /// <param name="exponent">c.</param>
    /// <param name="seed">Seed; each m uses a derived seed.</param>
    /// <param name="geometry">How keys and values are built.</param>
    public static CorollaryResult Corollary(int dim, int length, IReadOnlyList<int> prefixLengths, double targetBeta, int fixedDegree, double exponent, long seed, BoundGeometry geometry = BoundGeometry.KeyCorrelatedValues)
    {
        ArgumentNullException.ThrowIfNull(prefixLengths);
        var rows = new List<CorollaryRow>();
        foreach (int m in prefixLengths)
        {
            long caseSeed = Seeds.Derive(seed, 7, m);
            var fixedRow = Measure(dim, length, dim, m, targetBeta, fixedDegree, causal: false, caseSeed, geometry);
            double target = Math.Pow(m, -exponent);
            int g = TheoremB.SmallestEvenDegree(fixedRow.Bound.Beta, target);
            var adaptive = g == fixedDegree ? fixedRow : Measure(dim, length, dim, m, targetBeta, g, causal: false, caseSeed, geometry);
            rows.Add(new CorollaryRow(m, fixedRow, adaptive, target));
        }

        var ms = rows.Select(r => (double)r.PrefixLength).ToList();
        var fixedFit = LogLogFit.Fit(ms, rows.Select(r => Math.Max(r.Fixed.Measured, 1e-300)).ToList());
        var adaptiveFit = LogLogFit.Fit(ms, rows.Select(r => Math.Max(r.Adaptive.Measured, 1e-300)).ToList());
        return new CorollaryResult(rows, fixedFit, adaptiveFit, exponent);
    }

    /// <summary>Builds q, k, v [1, 1, L, ·] and K_P, V_P [1, m, ·] of one controlled problem.</summary>
    /// <param name="dim">d.</param>
    /// <param name="length">L.</param>
    /// <param name="valueDim">d_v.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="targetBeta">beta0.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="geometry">How keys and values are built.</param>
    /// <param name="placement">Device of every tensor (null: CPU); random draws happen on the CPU and are moved.</param>
    public static (Tensor Q, Tensor K, Tensor V, Tensor PrefixKeys, Tensor PrefixValues) Problem(int dim, int length, int valueDim, int prefixLength, double targetBeta, long seed, BoundGeometry geometry, DevicePlacement? placement = null)
    {
        var device = (placement ?? DevicePlacement.Cpu).Device;
        using var scope = NewDisposeScope();
        double radius = Math.Sqrt(targetBeta * Math.Sqrt(dim));
        Tensor q, k, v, pk, pv;
        if (geometry == BoundGeometry.Adversarial)
        {
            var u = zeros(dim, dtype: ScalarType.Float64, device: device);
            u[0].fill_(1.0);   // not "u[0] = 1.0": the implicit scalar tensor would be created on the default device
            q = (u * radius).expand(1, 1, length, dim).contiguous();
            k = zeros(1, 1, length, dim, ScalarType.Float64, device);
            if (dim > 1)
            {
                k[.., .., .., 1] = full(1, 1, length, radius, ScalarType.Float64, device);
            }

            v = zeros(1, 1, length, valueDim, ScalarType.Float64, device);
            int positive = (int)Math.Clamp(Math.Round(prefixLength / (1 + Math.Exp(2 * targetBeta))), prefixLength > 1 ? 1 : 0, prefixLength);
            var sign = ones(prefixLength, 1, dtype: ScalarType.Float64, device: device);
            sign[positive..] = full(prefixLength - positive, 1, -1.0, ScalarType.Float64, device);
            pk = (sign * (u * radius)).unsqueeze(0);
            pv = (-sign).expand(prefixLength, valueDim).unsqueeze(0).contiguous();
        }
        else
        {
            q = Sphere(seed, 0, [1, 1, length, dim], radius, placement);
            k = Sphere(seed, 1, [1, 1, length, dim], radius, placement);
            pk = Sphere(seed, 3, [1, prefixLength, dim], radius, placement);
            if (geometry == BoundGeometry.IndependentValues)
            {
                v = Normal(seed, 2, [1, 1, length, valueDim], placement);
                pv = Normal(seed, 4, [1, prefixLength, valueDim], placement);
            }
            else
            {
                var w = Normal(seed, 5, [dim, valueDim], placement) / Math.Sqrt(dim);
                v = matmul(k / radius, w);
                pv = matmul(pk / radius, w);
            }
        }

        return (q.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope(), pk.MoveToOuterDisposeScope(), pv.MoveToOuterDisposeScope());
    }

    private static Tensor Normal(long seed, int stream, long[] shape, DevicePlacement? placement) => Seeds.Normal(seed, stream, shape, ScalarType.Float64, placement);

    private static Tensor Sphere(long seed, int stream, long[] shape, double radius, DevicePlacement? placement)
    {
        using var g = Normal(seed, stream, shape, placement);
        return g / g.norm(-1, keepdim: true).clamp_min(1e-300) * radius;
    }
}
