namespace NtkProofs.FineTuning;

/// <summary>One run as <see cref="FineTuneProtocol"/> reads it: its selected checkpoint's validation numbers, and whether it evaluated test.</summary>
/// <param name="ValidationAccuracy">Validation accuracy at the selected (early-stopping) checkpoint.</param>
/// <param name="ValidationLoss">Validation cross-entropy there.</param>
/// <param name="SelectedStep">The checkpoint's step.</param>
/// <param name="TestEvaluated">Whether the run evaluated the test split (a search run must not).</param>
public sealed record ProtocolRunSummary(double ValidationAccuracy, double ValidationLoss, int SelectedStep, bool TestEvaluated);
