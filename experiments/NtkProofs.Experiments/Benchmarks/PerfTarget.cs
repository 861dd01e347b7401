using System.Globalization;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>One target of a performance goal (issue #13) with its measured value.</summary>
/// <param name="Quantity">What is compared, e.g. "NumPy / ours" or "fraction of float64 GEMM".</param>
/// <param name="Bound">At least or at most.</param>
/// <param name="Target">The target.</param>
/// <param name="Value">The measured value, or null when it was not measured (a peer missing or refused).</param>
public sealed record PerfTarget(string Quantity, TargetBound Bound, double Target, double? Value)
{
    /// <summary>Whether the target is met; null when the value was not measured (or is not finite).</summary>
    public bool? Met => Value is { } v && double.IsFinite(v) ? (Bound == TargetBound.AtLeast ? v >= Target : v <= Target) : null;

    /// <summary>"NumPy / ours >= 4: 5.12 met", "... not measured".</summary>
    public string Describe()
    {
        string bound = Bound == TargetBound.AtLeast ? ">=" : "<=";
        string value = Value is { } v && double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "not measured";
        string met = Met switch { true => "met", false => "NOT met", null => "not decided" };
        return string.Create(CultureInfo.InvariantCulture, $"{Quantity} {bound} {Target:0.##}: {value} ({met})");
    }
}
