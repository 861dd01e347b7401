using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Training;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>L2 and L3 at one (setting, m, replicate): one gradient-descent run and its summary numbers.</summary>
public sealed class LazyTrainingExperiment : TypedExperiment<LazyTrainingRecord>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "lazy-training";

    /// <inheritdoc />
    public override string Description => "L2/L3: gradient descent on the prefix; kernel drift, prefix movement, lambda_min(H(t)), loss envelope, steps to 1e-3";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        .. LemmaParameters.Common,
        ParameterSpec.Text("init", "random", "initialization: random, or symmetric (F(0) = 0; fixed and separate paths, even m)", "random", "symmetric"),
        ParameterSpec.Bool("centred", false, "train the centred output F(theta) - F(theta_0) (THEORY.md A.2); kernels unchanged"),
        ParameterSpec.Int("steps", 200, "gradient-descent steps T", 0, 1_000_000),
        ParameterSpec.Real("eta0", 0.5, "step size eta = eta0 / lambda_max(H(0))", 1e-9, 10),
        ParameterSpec.Int("kernel_every", 20, "recompute the kernel every this many steps", 1, 1_000_000),
    ];

    /// <inheritdoc />
    public override LazyTrainingRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var options = new TrainingOptions(checked((int)point.Int("steps")), point.Real("eta0"), checked((int)point.Int("kernel_every")));
        var init = point.Text("init") == "symmetric" ? PrefixInit.Symmetric : PrefixInit.Random;
        bool centred = point.Bool("centred");
        var s = LazyTraining.Measure((LemmaParameters.Problem(point, context.MasterSeed, centred) with { Placement = context.Placement }), checked((int)point.Int("m")), checked((int)point.Int("replicate")), options, init);
        return LazyTrainingRecord.From(s, centred);
    }
}
