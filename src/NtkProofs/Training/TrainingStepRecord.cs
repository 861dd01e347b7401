namespace NtkProofs.Training;

/// <summary>What the trainer records at one step t (before the update of step t).</summary>
/// <param name="Step">t, starting at 0.</param>
/// <param name="Loss">L = 1/2 ||F(t) - Y||^2.</param>
/// <param name="ResidualSquared">||F(t) - Y||^2.</param>
/// <param name="MaxPrefixMovement">max_r ||p_r(t) - p_r(0)||.</param>
/// <param name="RmsPrefixMovement">||P(t) - P(0)||_F / sqrt(m): the root-mean-square row movement.</param>
/// <param name="KernelDrift">||H(t) - H(0)||_F / ||H(0)||_F, at kernel-tracking steps only.</param>
/// <param name="LambdaMin">lambda_min(H(t)), at kernel-tracking steps only.</param>
public sealed record TrainingStepRecord(int Step, double Loss, double ResidualSquared, double MaxPrefixMovement, double RmsPrefixMovement, double? KernelDrift, double? LambdaMin);
