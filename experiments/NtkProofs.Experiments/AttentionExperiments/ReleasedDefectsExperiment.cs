using System.Text.Json.Nodes;
using NtkProofs.Attention;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.Numerics;

namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>The released code's four defects (C12), reproduced against the faithful ports; one point.</summary>
public sealed class ReleasedDefectsExperiment : IExperiment
{
    /// <inheritdoc />
    public string Name => "released-defects";

    /// <inheritdoc />
    public string Description => "Released-code defects: double-counted prefix, frozen |k|, float32 overflow, dropout active at evaluation";

    /// <inheritdoc />
    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("replicate", 0, "replicate index (seed)", 0, 1_000_000),
    ];

    /// <inheritdoc />
    public JsonObject Run(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(context);
        var d = ReleasedDefects.Measure(Seeds.Derive(context.MasterSeed, 42, point.Int("replicate")));
        return new JsonObject
        {
            ["double_counting_released_error"] = d.DoubleCountingReleasedError,
            ["double_counting_intended_error"] = d.DoubleCountingIntendedError,
            ["double_counting_reproduced"] = d.DoubleCountingReproduced,
            ["frozen_k_gradient_at_zero"] = d.FrozenKGradientAtZero,
            ["frozen_k_moved_from_zero"] = d.FrozenKMovedFromZero,
            ["frozen_k_moved_from_small"] = d.FrozenKMovedFromSmall,
            ["frozen_k_reproduced"] = d.FrozenKReproduced,
            ["overflow_row_max"] = d.OverflowRowMax,
            ["overflow_exact_output"] = d.ExactAtOverflow,
            ["overflow_stable_error"] = d.StableErrorAtOverflow,
            ["overflow_reproduced"] = d.OverflowReproduced,
            ["eval_dropout_difference"] = d.EvalDropoutDifference,
            ["our_eval_difference"] = d.OurEvalDifference,
            ["eval_dropout_reproduced"] = d.EvalDropoutReproduced,
        };
    }
}
