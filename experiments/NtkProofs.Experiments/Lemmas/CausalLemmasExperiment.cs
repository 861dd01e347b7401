using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Kernels;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Training;
using static TorchSharp.torch;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>
/// C21 at one (setting, L, mask, m, replicate): the L &gt; 1 query model of THEORY.md A.2 (<see cref="CausalPrefixModel"/>).
/// The n L unit-norm query tokens, their fixed values u and the targets come from the input draw (<c>inputs</c>), the same
/// for every m and replicate, so the spread over replicates is the prefix draw's fluctuation alone. Measures L1 (H(0)
/// against H* on the n L queries) and runs gradient descent for L2 (kernel drift) and L3 (contraction, 1e-6 within T).
/// mask = none is Part A's model on the same queries (no input tokens); with mask causal or full, "L = 1" is the query
/// attending over the prefix and itself, which differs from Part A by O(1/m).
/// </summary>
public sealed class CausalLemmasExperiment : TypedExperiment<CausalLemmaRecord>
{
    private const int QueryStream = 21, TokenStream = 22, TargetStream = 23, PrefixStream = 24;

    /// <inheritdoc />
    public override string Name => "causal-lemmas";

    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Description => "C21: L1 gap, L2 drift and L3 contraction of the L > 1 causal-query prefix model at one (L, mask, m, replicate)";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Text("path", "fixed", "value path of the prefix rows", "fixed", "separate", "tied"),
        ParameterSpec.Text("scale", "sqrt", "output scale alpha(m): sqrt = sqrt(m), linear = m", "sqrt", "linear"),
        ParameterSpec.Int("n", 4, "samples (each with L query tokens)", 1, 256),
        ParameterSpec.Int("query_length", 4, "L, query tokens per sample", 1, 256),
        ParameterSpec.Text("mask", "causal", "input tokens a query sees: causal (tokens <= t), full (all L), none (no input tokens: Part A)", "causal", "full", "none"),
        ParameterSpec.Int("d", 16, "input dimension", 1, 1024),
        ParameterSpec.Int("c", 1, "output dimension of the fixed and separate paths (tied uses d)", 1, 64),
        ParameterSpec.Real("sigma", 0.5, "prefix init scale", 1e-6, 100),
        ParameterSpec.Real("max_cos", 0.9, "query separation |<x, x'>| <= max_cos over all n L tokens", 1e-3, 0.999999),
        ParameterSpec.Int("m", 1024, "prefix length", 1, 1 << 20),
        ParameterSpec.Int("replicate", 0, "replicate index (the prefix draw)", 0, 1_000_000),
        ParameterSpec.Int("inputs", 0, "input draw index (queries, token values, targets)", 0, 1_000_000),
        ParameterSpec.Bool("centred", false, "train the centred output F(theta) - F(theta_0) (THEORY.md A.2)"),
        ParameterSpec.Int("steps", 300, "gradient-descent steps T (0: L1 only)", 0, 1_000_000),
        ParameterSpec.Real("eta0", 0.5, "step size eta = eta0 / lambda_max(H(0))", 1e-9, 10),
        ParameterSpec.Int("kernel_every", 50, "recompute the kernel every this many steps", 1, 1_000_000),
    ];

    /// <summary>Maps "causal", "full", "none" to a <see cref="QueryMask"/>.</summary>
    /// <param name="name">The name.</param>
    public static QueryMask MaskFromName(string name) => name switch
    {
        "causal" => QueryMask.Causal,
        "full" => QueryMask.Full,
        "none" => QueryMask.None,
        _ => throw new ArgumentException($"unknown mask '{name}'"),
    };

    /// <summary>
    /// The fluctuation part of ||H(0) - H*||_F at m, free of the input tokens' bias: the kernels H_a, H_b of the two halves of
    /// the prefix (each a model with floor(m/2) rows, the same input tokens) are independent draws with the same mean, so
    /// H_a - H_b has mean zero and twice the variance of a half, four times that of H(0) at m (variance ~ 1/rows), and
    /// ||H_a - H_b||_F / 2 estimates ||H(0) - E H(0)||_F. Returned unnormalized.
    /// </summary>
    /// <param name="model">The model at initialization (at least 2 prefix rows).</param>
    /// <param name="x">(n L) x d queries.</param>
    public static double SplitHalfFluctuation(CausalPrefixModel model, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(model);
        int half = model.Spec.PrefixLength / 2;
        ArgumentOutOfRangeException.ThrowIfLessThan(half, 1);
        using var scope = NewDisposeScope();
        var spec = model.Spec with { PrefixLength = half, Centred = false };
        Tensor Half(int start)
        {
            using var prefix = new PrefixModel(spec, model.Prefix.narrow(0, start, half), model.Values?.narrow(0, start, half));
            using var causal = new CausalPrefixModel(prefix, model.QueryLength, model.Mask, model.TokenValues);
            return causal.Kernel(x);
        }

        return linalg.norm(Half(0) - Half(half)).item<double>() / 2;
    }

    /// <inheritdoc />
    public override CausalLemmaRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var path = LemmaParameters.PathFromName(point.Text("path"));
        var scale = point.Text("scale") == "linear" ? OutputScale.Linear : OutputScale.SqrtM;
        int n = checked((int)point.Int("n")), l = checked((int)point.Int("query_length")), d = checked((int)point.Int("d"));
        int m = checked((int)point.Int("m")), r = checked((int)point.Int("replicate")), inputs = checked((int)point.Int("inputs"));
        int steps = checked((int)point.Int("steps"));
        var mask = MaskFromName(point.Text("mask"));
        int c = path == ValuePath.TiedValue ? d : checked((int)point.Int("c"));
        int queries = checked(n * l);
        var spec = new PrefixModelSpec(path, d, m, c, point.Real("sigma"), scale, point.Bool("centred")).Validated();

        using var scope = NewDisposeScope();
        long seed = context.MasterSeed;
        Tensor x;
        try
        {
            x = InputSets.UnitSphere(queries, d, Seeds.Derive(seed, QueryStream, inputs), point.Real("max_cos"), context.Placement);
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException($"causal-lemmas: cannot draw n L = {queries} query tokens in d = {d} with |cos| <= {point.Real("max_cos")} ({ex.Message}); raise d or max_cos, or lower n L", ex);
        }

        var y = InputSets.Targets(queries, c, Seeds.Derive(seed, TargetStream, inputs), context.Placement);
        using var model = CausalPrefixModel.Initialize(spec, n, l, mask, Seeds.Derive(seed, PrefixStream, (r * 1_000_003L) + m), Seeds.Derive(seed, TokenStream, inputs), context.Placement);

        var hStar = InfinitePrefixKernel.Compute(path, x, spec.Sigma, c);
        var h0 = model.Kernel(x);
        double gap = (linalg.norm(h0 - hStar) / linalg.norm(hStar)).item<double>();
        var star = EigenSpectrum.Of(hStar);
        double lambdaMin = EigenSpectrum.Of(h0).LambdaMin;
        double share = model.InputShare(x);
        double fluctuation = m >= 2 ? SplitHalfFluctuation(model, x) / linalg.norm(hStar).item<double>() : double.NaN;

        var run = CausalQueryTrainer.Train(model, x, y, new TrainingOptions(steps, point.Real("eta0"), checked((int)point.Int("kernel_every"))));
        var sample = TrainingSample.FromRun(m, r, star.LambdaMin, run);
        double r0 = run.Records[0].ResidualSquared;
        int? converged = run.Records.FirstOrDefault(rec => rec.ResidualSquared <= LemmaCriteria.ConvergenceTarget * r0)?.Step;
        return new CausalLemmaRecord(l, mask, m, r, queries, gap, fluctuation, lambdaMin, star.LambdaMin, star.LambdaMax, share, steps, run.EffectiveEta,
            run.MaxKernelDrift, run.MaxRmsPrefixMovement, run.MeasuredContraction, sample.PredictedContraction, sample.WorstEnvelopeRatio,
            r0, run.Records[^1].ResidualSquared, run.Records.Min(rec => rec.ResidualSquared) / r0, converged);
    }
}
