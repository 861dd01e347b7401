namespace NtkProofs.FineTuning;

/// <summary>Accuracy and mean cross-entropy on a labelled set.</summary>
/// <param name="Accuracy">Fraction of correct argmax predictions.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Count">Number of examples.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count)
{
    /// <summary>Per-example correctness in example order, '1' correct and '0' wrong (see <c>NtkProofs.Statistics.Correctness</c>), for paired comparisons.</summary>
    public string Correct { get; init; } = string.Empty;

    /// <summary>A split that was not evaluated (accuracy and loss NaN, no examples).</summary>
    public static EvaluationResult NotEvaluated { get; } = new(double.NaN, double.NaN, 0);
}
