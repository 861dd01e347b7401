namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>Streamed prefix attention at one prefix length.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="SecondsMedian">Median forward seconds.</param>
/// <param name="PeakExtraMiB">Peak resident memory above the level before the call, MiB (null when the peak could not be reset).</param>
public sealed record WidthBenchPrefix(long PrefixLength, double SecondsMedian, double? PeakExtraMiB);

/// <summary>NTK-Attention with one feature map (its cost does not depend on m).</summary>
/// <param name="Feature">phi's name.</param>
/// <param name="R">r.</param>
/// <param name="SecondsMedian">Median forward seconds.</param>
/// <param name="PeakExtraMiB">Peak resident memory above the level before the call, MiB (null when the peak could not be reset).</param>
public sealed record WidthBenchNtk(string Feature, long R, double SecondsMedian, double? PeakExtraMiB);

/// <summary>The result of one <see cref="WidthBenchExperiment"/> point (claim C15): one width and input length.</summary>
/// <param name="Heads">Heads.</param>
/// <param name="HeadDim">d_h.</param>
/// <param name="DModel">d_model = heads x d_h.</param>
/// <param name="Length">L.</param>
/// <param name="Causal">Whether the input block was causally masked.</param>
/// <param name="Repetitions">Timed repetitions per case (after one untimed).</param>
/// <param name="LoadAverageBefore">/proc/loadavg before.</param>
/// <param name="LoadAverageAfter">/proc/loadavg after.</param>
/// <param name="Prefix">Streamed prefix attention over m.</param>
/// <param name="Ntk">NTK-Attention per feature map.</param>
/// <param name="Cores">Logical processors of the machine (to read the load average against).</param>
public sealed record WidthBenchResult(int Heads, int HeadDim, int DModel, int Length, bool Causal, int Repetitions, string LoadAverageBefore, string LoadAverageAfter, IReadOnlyList<WidthBenchPrefix> Prefix, IReadOnlyList<WidthBenchNtk> Ntk, int Cores = 0)
{
    /// <summary>The larger 1-minute load average of before and after, or NaN when unknown.</summary>
    public double PeakLoad => new[] { LoadAverageBefore, LoadAverageAfter }
        .Select(s => double.TryParse(s.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN)
        .DefaultIfEmpty(double.NaN).Max();
}
