using System.Globalization;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>The estimated cost of running some points of a plan (an estimate from <see cref="SweepCostModel"/>, not a measurement).</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Points">Points costed.</param>
/// <param name="Seconds">Estimated seconds on the calibration machine, or null when the experiment has no calibrated model.</param>
/// <param name="Rule">The rule used, or null.</param>
public sealed record SweepCostEstimate(string Experiment, int Points, double? Seconds, CostRule? Rule)
{
    /// <summary>One line for the dry run: the estimate, said as an estimate, with its basis.</summary>
    public string Describe()
    {
        if (Seconds is not { } s || Rule is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no estimate: experiment '{Experiment}' has no calibrated cost model ({Points} points)");
        }

        return string.Create(CultureInfo.InvariantCulture, $"about {Human(s)} for {Points} points (an estimate, not a measurement: {Rule.Describe()}, calibrated on {SweepCostModel.CalibrationMachine}; other machines, thread counts and devices differ)");
    }

    /// <summary>Seconds as s, min or h.</summary>
    /// <param name="seconds">Seconds.</param>
    public static string Human(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };
}
