using NtkProofs.Measurements;
using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// The exact identities I1-I4 of THEORY.md Part B at one point (C5), as relative errors in float64:
/// I1 NTK-Attention with Taylor(g) and closed-form Z, k equals prefix attention with exp replaced by T_g on the prefix block;
/// I2 Z = 0, k = 0 gives plain attention over X; I3 Z, k of a concatenation are the sums; I4 prefix-row permutation invariance.
/// </summary>
public sealed class NtkIdentitiesExperiment : TypedExperiment<IdentitiesResult>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "ntk-identities";

    /// <inheritdoc />
    public override string Description => "Identities I1-I4 of NTK-Attention (float64 relative errors)";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("m", 256, "prefix length", 1, 1 << 20),
        ParameterSpec.Int("degree", 2, "even Taylor degree g", 0, 8),
        ParameterSpec.Int("dim", 4, "head dimension d", 1, 32),
        ParameterSpec.Int("length", 8, "input length L", 1, 1024),
        ParameterSpec.Real("beta", 1.0, "target beta of the inputs", 0, 10),
        ParameterSpec.Bool("causal", false, "causal mask on the input block"),
        ParameterSpec.Int("replicate", 0, "replicate index (seed)", 0, 1_000_000),
    ];

    /// <inheritdoc />
    public override IdentitiesResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        int m = checked((int)point.Int("m")), g = checked((int)point.Int("degree")), dim = checked((int)point.Int("dim")), length = checked((int)point.Int("length"));
        bool causal = point.Bool("causal");
        long seed = Seeds.Derive(context.MasterSeed, SeedStreams.NtkIdentities, (point.Int("replicate") * 1_000_003L) + m);
        using var scope = NewDisposeScope();
        var (q, k, v, pk, pv) = BoundExperiment.Problem(dim, length, dim, m, point.Real("beta"), seed, BoundGeometry.IndependentValues, context.Placement);
        var phi = new TaylorFeatureMap(dim, g);
        var (z, kSum) = PrefixAccumulator.Compute(phi, pk, pv);

        var ntk = NtkAttention.Forward(q, k, v, phi, z, kSum, causal);
        var taylorPrefix = DenseAttention.ForwardWithPrefixWeight(q, k, v, pk, pv, s => TaylorFeatureMap.TaylorPolynomial(s, g), causal);
        double i1 = Relative(ntk, taylorPrefix);

        var zeroState = NtkAttention.Forward(q, k, v, phi, zeros_like(z), zeros_like(kSum), causal);
        var plain = DenseAttention.Forward(q, k, v, pk.narrow(1, 0, 0), pv.narrow(1, 0, 0), causal);   // materialized softmax, independent path
        double i2 = Relative(zeroState, plain);

        int split = m / 2;
        var (z1, k1) = PrefixAccumulator.Compute(phi, pk.narrow(1, 0, split), pv.narrow(1, 0, split));
        var (z2, k2) = PrefixAccumulator.Compute(phi, pk.narrow(1, split, m - split), pv.narrow(1, split, m - split));
        double i3 = Math.Max(Relative(z1 + z2, z), Relative(k1 + k2, kSum));

        using var generator = new Generator(unchecked((ulong)seed));
        var permutation = context.Placement.Randperm(generator, m);
        var (zp, kp) = PrefixAccumulator.Compute(phi, pk.index_select(1, permutation), pv.index_select(1, permutation));
        var exactPermuted = PrefixAttention.Forward(q, k, v, pk.index_select(1, permutation), pv.index_select(1, permutation), causal);
        var exact = PrefixAttention.Forward(q, k, v, pk, pv, causal);
        double i4 = Math.Max(Math.Max(Relative(zp, z), Relative(kp, kSum)), Relative(exactPermuted, exact));

        return new IdentitiesResult(i1, i2, i3, i4, phi.R);
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).norm().item<double>() / Math.Max(expected.norm().item<double>(), 1e-300);
}

/// <summary>The identities I1-I4 at one point, as float64 relative errors.</summary>
/// <param name="I1">NTK-Attention against prefix attention with exp replaced by T_g on the prefix block.</param>
/// <param name="I2">Z = 0, k = 0 against plain attention over X.</param>
/// <param name="I3">Z, k of a concatenation against the sums of the parts.</param>
/// <param name="I4">Prefix-row permutation invariance.</param>
/// <param name="R">Feature dimension r of Taylor(g).</param>
public sealed record IdentitiesResult(double I1, double I2, double I3, double I4, long R);
