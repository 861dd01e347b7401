using NtkProofs.Measurements;
using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// Theorem B at one point (C5, C6): measured ||NTK-Attn - PrefixAttn||_inf against the bound 2 eps_g / (1 - eps_g) max|v| for
/// Taylor features with closed-form Z, k. degree = 0 picks the smallest even g(m) with bound factor &lt;= m^-exponent.
/// With feature = prf the same problem is solved with r positive random features (closed-form Z, k; no bound is claimed),
/// for the error against r.
/// </summary>
public sealed class NtkBoundExperiment : TypedExperiment<BoundResult>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "ntk-bound";

    /// <inheritdoc />
    public override string Description => "Theorem B: measured NTK-Attention error against the bound, Taylor(g) with closed-form Z, k";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("geometry", "correlated", "value geometry: correlated (V = K W, as K_P = P W_K, V_P = P W_V), independent, or adversarial", "correlated", "independent", "adversarial"),
        ParameterSpec.Int("m", 256, "prefix length", 1, 1 << 20),
        ParameterSpec.Real("beta", 1.0, "target beta = max |<q, kappa>| / sqrt(d)", 0, 100),
        ParameterSpec.Text("feature", "taylor", "feature map: taylor (degree g, Theorem B's bound) or prf (r positive random features, error only)", "taylor", "prf"),
        ParameterSpec.Int("r", 256, "positive random features r (feature prf only)", 1, 1 << 16),
        ParameterSpec.Int("degree", 2, "even Taylor degree g; 0 = smallest even g(m) with 2 eps_g / (1 - eps_g) <= m^-exponent", 0, 60),
        ParameterSpec.Real("exponent", 0.5, "c of the corollary's target m^-c (degree 0 only)", 0.01, 4),
        ParameterSpec.Int("dim", 4, "head dimension d (to 4096: d_model 4096 on a GPU; Taylor features stay capped by their count)", 1, 4096),
        ParameterSpec.Int("length", 16, "input length L", 1, 4096),
        ParameterSpec.Bool("causal", false, "causal mask on the input block"),
        ParameterSpec.Int("replicate", 0, "replicate index (seed)", 0, 1_000_000),
    ];

    /// <inheritdoc />
    public override BoundResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var geometry = point.Text("geometry") switch
        {
            "independent" => BoundGeometry.IndependentValues,
            "adversarial" => BoundGeometry.Adversarial,
            _ => BoundGeometry.KeyCorrelatedValues,
        };
        int m = checked((int)point.Int("m")), dim = checked((int)point.Int("dim")), length = checked((int)point.Int("length"));
        int degree = checked((int)point.Int("degree"));
        if (degree % 2 != 0)
        {
            throw new ArgumentException($"degree must be even (Theorem B needs T_g > 0), got {degree}");
        }

        double beta = point.Real("beta"), exponent = point.Real("exponent");
        bool causal = point.Bool("causal");
        long seed = Seeds.Derive(context.MasterSeed, SeedStreams.NtkBound, (point.Int("replicate") * 1_000_003L) + m);
        BoundRow row;
        double? target = null;
        if (point.Text("feature") == "prf")
        {
            var prf = new PositiveRandomFeatureMap(dim, checked((int)point.Int("r")), Seeds.Derive(seed, 9, point.Int("r")));
            row = BoundExperiment.Measure(dim, length, dim, m, beta, prf, causal, seed, geometry, context.Placement);
        }
        else if (degree == 0)
        {
            var probe = BoundExperiment.Measure(dim, length, dim, m, beta, 2, causal, seed, geometry, context.Placement);
            target = Math.Pow(m, -exponent);
            int g = TheoremB.SmallestEvenDegree(probe.Bound.Beta, target.Value);
            row = g == 2 ? probe : BoundExperiment.Measure(dim, length, dim, m, beta, g, causal, seed, geometry, context.Placement);
        }
        else
        {
            row = BoundExperiment.Measure(dim, length, dim, m, beta, degree, causal, seed, geometry, context.Placement);
        }

        var b = row.Bound;
        long featureCount = point.Text("feature") == "prf" ? (long)point.Int("r") : TaylorFeatureMap.FeatureCount(dim, b.Degree);
        return new BoundResult(
            row.Measured,
            b.Claimed ? b.Bound : null,
            b.Claimed,
            row.Holds,
            b.Claimed && b.Bound > 0 ? row.Tightness : null,
            b.Beta,
            double.IsFinite(b.EpsG) ? b.EpsG : null,
            b.Degree,
            b.ValueMax,
            target,
            point.Text("feature"),
            featureCount);
    }
}

/// <summary>Theorem B at one point.</summary>
/// <param name="Measured">Measured ||NTK-Attn - PrefixAttn||_inf.</param>
/// <param name="Bound">The bound 2 eps_g / (1 - eps_g) max|v|, or null outside the hypothesis.</param>
/// <param name="Claimed">Whether the point lies inside Theorem B's hypothesis (eps_g &lt; 1).</param>
/// <param name="Holds">Whether the measured error is within the bound (true where not claimed).</param>
/// <param name="Tightness">Measured / bound, or null where not claimed.</param>
/// <param name="BetaMeasured">The measured beta = max |&lt;q, kappa&gt;| / sqrt(d).</param>
/// <param name="EpsG">eps_g, or null where infinite.</param>
/// <param name="DegreeUsed">The Taylor degree used (g(m) for degree 0).</param>
/// <param name="ValueMax">max |v| over the prefix values.</param>
/// <param name="Target">The corollary's target m^-c (degree 0 only), else null.</param>
/// <param name="Feature">The feature map: taylor or prf (records written before the r sweep read as taylor).</param>
/// <param name="FeatureCount">r, the feature dimension of the map used (C(d + g, g) for Taylor; 0 in records written before the r sweep).</param>
public sealed record BoundResult(double Measured, double? Bound, bool Claimed, bool Holds, double? Tightness, double BetaMeasured, double? EpsG, int DegreeUsed, double ValueMax, double? Target, string Feature = "taylor", long FeatureCount = 0);
