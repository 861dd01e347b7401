namespace NtkProofs.FineTuning;

/// <summary>One validation evaluation during training (early stopping).</summary>
/// <param name="Step">Steps taken.</param>
/// <param name="Accuracy">Validation accuracy.</param>
/// <param name="Loss">Validation cross-entropy.</param>
public sealed record ValidationPoint(int Step, double Accuracy, double Loss);
