namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>
/// The stored result of the released-defects sweep (C12); field names as stored before the typed port. A null measurement
/// means the sweep did not measure that defect. The *_reproduced flags are the library's own reading
/// (<see cref="NtkProofs.Attention.ReleasedDefectMeasurements"/>); the claim re-decides from the numbers.
/// </summary>
/// <param name="DoubleCountingReleasedError">Relative error of Z = 0, k = 0 in the released error experiment.</param>
/// <param name="DoubleCountingIntendedError">The same in the comparison as intended.</param>
/// <param name="DoubleCountingReproduced">The library's reading of double counting.</param>
/// <param name="FrozenKGradientAtZero">max |dL/d kappa| at kappa = 0 for k = |kappa|.</param>
/// <param name="FrozenKMovedFromZero">max |kappa| after Adam steps from 0.</param>
/// <param name="FrozenKMovedFromSmall">max |kappa - 0.01| after the same steps from 0.01.</param>
/// <param name="FrozenKReproduced">The library's reading of frozen k.</param>
/// <param name="OverflowRowMax">The smallest row max at which the released float32 forward drops the prefix term.</param>
/// <param name="OverflowExactOutput">The exact output (a prefix share) there.</param>
/// <param name="OverflowStableError">Relative error of our stable float32 forward there.</param>
/// <param name="OverflowReproduced">The library's reading of the overflow.</param>
/// <param name="EvalDropoutDifference">max |out1 - out2| of two evaluation calls of the released pattern.</param>
/// <param name="OurEvalDifference">The same for our NtkAttention.</param>
/// <param name="EvalDropoutReproduced">The library's reading of evaluation dropout.</param>
/// <param name="ModelSelectionOptimism">Mean accuracy on the selection ("test") split minus a fresh split at the selected checkpoint (fifth defect; null in rows stored before it).</param>
/// <param name="ModelSelectionOptimismSe">Its standard error over replicates.</param>
/// <param name="ModelSelectionDisagreement">Fraction of replicates where two "test" splits select different checkpoints.</param>
public sealed record ReleasedDefectsResult(
    double? DoubleCountingReleasedError,
    double? DoubleCountingIntendedError,
    bool DoubleCountingReproduced,
    double? FrozenKGradientAtZero,
    double? FrozenKMovedFromZero,
    double? FrozenKMovedFromSmall,
    bool FrozenKReproduced,
    double? OverflowRowMax,
    double? OverflowExactOutput,
    double? OverflowStableError,
    bool OverflowReproduced,
    double? EvalDropoutDifference,
    double? OurEvalDifference,
    bool EvalDropoutReproduced,
    double? ModelSelectionOptimism = null,
    double? ModelSelectionOptimismSe = null,
    double? ModelSelectionDisagreement = null);
