using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Lemmas;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>L1 at one (setting, m, replicate): H(0) against H*, relative gap and extreme eigenvalues (typed result <see cref="InitialKernelSample"/>).</summary>
public sealed class KernelConcentrationExperiment : TypedExperiment<InitialKernelSample>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "kernel-concentration";

    /// <inheritdoc />
    public override string Description => "L1: ||H(0) - H*||_F / ||H*||_F, lambda_min(H(0)) and lambda* at one prefix length and replicate";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters => LemmaParameters.Common;

    /// <inheritdoc />
    public override InitialKernelSample Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        return KernelConcentration.Measure((LemmaParameters.Problem(point, context.MasterSeed) with { Placement = context.Placement }), checked((int)point.Int("m")), checked((int)point.Int("replicate")));
    }
}
