using System.Globalization;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>One target of a performance goal (issue #13) with its measured value.</summary>
/// <param name="Quantity">What is compared, e.g. "NumPy / ours" or "fraction of float64 GEMM".</param>
/// <param name="Bound">At least or at most.</param>
/// <param name="Target">The target.</param>
/// <param name="Value">The measured value, or null when it was not measured (a peer missing or refused).</param>
/// <param name="Best">
/// The value at the same run's floor (<see cref="GemmRates.FloorSeconds"/>): the most this machine's product and exp rates allow.
/// Null when unknown, or when ours already does better than the floor (an algorithm that does less work than counted, as the
/// symmetric Gram products of the tied kernel: then the floor bounds nothing).
/// </param>
public sealed record PerfTarget(string Quantity, TargetBound Bound, double Target, double? Value, double? Best = null)
{
    /// <summary>Whether the target is met; null when the value was not measured (or is not finite).</summary>
    public bool? Met => Value is { } v && double.IsFinite(v) ? Satisfies(v) : null;

    /// <summary>
    /// True when even the floor cannot meet the target (out of reach on this machine at the measured rates), false when it
    /// can, null when there is no usable floor.
    /// </summary>
    public bool? OutOfReach => Best is { } b && double.IsFinite(b) && !(Value is { } v && double.IsFinite(v) && Beats(v, b)) ? !Satisfies(b) : null;

    private bool Satisfies(double value) => Bound == TargetBound.AtLeast ? value >= Target : value <= Target;

    // Ours better than the floor's value: the floor is no bound for this algorithm.
    private bool Beats(double value, double best) => Bound == TargetBound.AtLeast ? value > best : value < best;

    /// <summary>"NumPy / ours >= 4: 5.12 (met)", "... 2.35 (NOT met; at most 2.80 at this run's floor: out of reach)", "... not measured".</summary>
    public string Describe()
    {
        string bound = Bound == TargetBound.AtLeast ? ">=" : "<=";
        string value = Value is { } v && double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "not measured";
        string met = Met switch { true => "met", false => "NOT met", null => "not decided" };
        string floor = OutOfReach switch
        {
            true => string.Create(CultureInfo.InvariantCulture, $"; at most {Best:0.00} at this run's floor: out of reach"),
            false when Met != true => string.Create(CultureInfo.InvariantCulture, $"; {Best:0.00} at this run's floor"),
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Quantity} {bound} {Target:0.##}: {value} ({met}{floor})");
    }
}
