using System.Globalization;

namespace NtkProofs.Adapters;

/// <summary>Trainable and total parameter counts of a wrapped model, printed exactly as PEFT's <c>print_trainable_parameters</c>.</summary>
/// <param name="Trainable">Parameters with requires_grad.</param>
/// <param name="Total">All parameters, adapter and head included.</param>
public readonly record struct ParameterSummary(long Trainable, long Total)
{
    /// <summary>100 x trainable / total.</summary>
    public double TrainablePercent => Total == 0 ? 0 : 100.0 * Trainable / Total;

    /// <summary><c>trainable params: X || all params: Y || trainable%: Z</c> (thousands separators, Z with 4 decimals).</summary>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "trainable params: {0:N0} || all params: {1:N0} || trainable%: {2:F4}", Trainable, Total, TrainablePercent);
}
