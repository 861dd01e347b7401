using NtkProofs.Measurements;
using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// The released code's four defects (C12), reproduced against the faithful ports on the run's device; one point. The fifth
/// (model selection on the test split, <see cref="ModelSelectionLeak"/>) is plain C# arithmetic and needs no device.
/// </summary>
public sealed class ReleasedDefectsExperiment : TypedExperiment<ReleasedDefectsResult>
{
    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => "released-defects";

    /// <inheritdoc />
    public override string Description => "Released-code defects: double-counted prefix, frozen |k|, float32 overflow, dropout active at evaluation";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("replicate", 0, "replicate index (seed)", 0, 1_000_000),
    ];

    /// <inheritdoc />
    public override ReleasedDefectsResult Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var d = ReleasedDefects.Measure(Seeds.Derive(context.MasterSeed, SeedStreams.ReleasedDefects, point.Int("replicate")), context.Placement);
        var selection = ModelSelectionLeak.Measure(Seeds.Derive(context.MasterSeed, SeedStreams.ModelSelectionLeak, point.Int("replicate")));
        return new ReleasedDefectsResult(
            d.DoubleCountingReleasedError, d.DoubleCountingIntendedError, d.DoubleCountingReproduced,
            d.FrozenKGradientAtZero, d.FrozenKMovedFromZero, d.FrozenKMovedFromSmall, d.FrozenKReproduced,
            d.OverflowRowMax, d.ExactAtOverflow, d.StableErrorAtOverflow, d.OverflowReproduced,
            d.EvalDropoutDifference, d.OurEvalDifference, d.EvalDropoutReproduced,
            selection.Optimism, selection.OptimismSe, selection.Disagreement);
    }
}
