using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;
using NtkProofs.Training;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>
/// C4 capacity at one (setting, m, replicate): gradient descent for T steps and the residual left, for
/// m_fit(n, c, eps) = the smallest m whose median residual ratio is at most eps (THEORY.md A.2 "Capacity").
/// Fixed m = 1 is refused (its output is constant); fixed draws with a constant sign column are redrawn and counted.
/// </summary>
public sealed class CapacityExperiment : TypedExperiment<CapacityRecord>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "capacity";

    /// <inheritdoc />
    public override string Description => "C4: residual ||F(T) - Y||^2 / ||F(0) - Y||^2 after T gradient-descent steps at one (n, m, replicate)";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        .. LemmaParameters.Common,
        ParameterSpec.Int("steps", 400, "gradient-descent steps T", 1, 1_000_000),
        ParameterSpec.Real("eta0", 0.5, "step size eta = eta0 / lambda_max(H(0))", 1e-9, 10),
    ];

    /// <inheritdoc />
    public override CapacityRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var problem = (LemmaParameters.Problem(point, context.MasterSeed) with { Placement = context.Placement });
        int m = checked((int)point.Int("m")), r = checked((int)point.Int("replicate")), steps = checked((int)point.Int("steps"));
        if (problem.ValuePath == Model.ValuePath.FixedValue && m < 2)
        {
            throw new ArgumentException("capacity: fixed values at m = 1 are excluded (one softmax weight, constant output, zero gradient); start the m grid at 2");
        }

        using var x = problem.Inputs(r);
        using var y = problem.Targets(r);
        var (model, redraws) = problem.CapacityModel(m, r);
        using (model)
        {
            var run = GradientDescentTrainer.Train(model, x, y, new TrainingOptions(steps, point.Real("eta0"), steps));
            return new CapacityRecord(m, r, problem.Samples * problem.EffectiveOutputDim, steps, run.Records[0].ResidualSquared, run.Records[^1].ResidualSquared, redraws);
        }
    }
}
