namespace NtkProofs.FineTuning;

/// <summary>Accuracy and mean cross-entropy on a labelled set.</summary>
/// <param name="Accuracy">Fraction of correct argmax predictions.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Count">Number of examples.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count);
