namespace NtkProofs.FineTuning;

/// <summary>
/// One run of a learning-rate search as the selection sees it: validation numbers only. The record has no test field, so
/// <see cref="LearningRateSearch.Select"/> cannot read the test split.
/// </summary>
/// <param name="LearningRate">The peak learning rate tried.</param>
/// <param name="Seed">The training seed (one seed for the whole search).</param>
/// <param name="ValidationAccuracy">Validation accuracy at the run's selected (early-stopping) checkpoint.</param>
/// <param name="ValidationLoss">Validation cross-entropy at that checkpoint.</param>
/// <param name="SelectedStep">The step of that checkpoint.</param>
public sealed record LearningRateTrial(double LearningRate, int Seed, double ValidationAccuracy, double ValidationLoss, int SelectedStep);
