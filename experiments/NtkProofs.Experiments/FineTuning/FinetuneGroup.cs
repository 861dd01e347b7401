using NtkProofs.Statistics;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The seeds of one fine-tuning configuration (same task, method, settings and schedule): mean, sample standard deviation
/// and standard error of the accuracies, and the per-configuration costs.
/// </summary>
public sealed class FinetuneGroup
{
    /// <summary>One percentage point of accuracy, the smallest difference the ledger rules treat as real.</summary>
    public const double OnePoint = 0.01;

    private FinetuneGroup(IReadOnlyList<FinetuneRun> runs)
    {
        Runs = runs;
        Test = Summary.Of(runs.Select(r => r.TestAccuracy));
        Validation = Summary.Of(runs.Select(r => r.ValidationAccuracy));
    }

    /// <summary>The runs, one per seed, ordered by seed.</summary>
    public IReadOnlyList<FinetuneRun> Runs { get; }

    /// <summary>The first run (task, method, settings and parameter counts are equal across seeds).</summary>
    public FinetuneRun First => Runs[0];

    /// <summary>Number of seeds.</summary>
    public int Seeds => Runs.Count;

    /// <summary>Test accuracy over seeds.</summary>
    public Summary Test { get; }

    /// <summary>Validation accuracy over seeds.</summary>
    public Summary Validation { get; }

    /// <summary>
    /// Standard error of the mean test accuracy as an estimate of the configuration's accuracy: the seed-to-seed spread
    /// (s^2 / n over training seeds; 0 for one seed) plus the binomial error of a finite test set (p (1 - p) / n_test),
    /// SE = sqrt(s^2 / n + p (1 - p) / n_test).
    /// </summary>
    public double TestStandardError =>
        Math.Sqrt((Test.StandardDeviation * Test.StandardDeviation / Seeds) + (Test.Mean * (1 - Test.Mean) / Math.Max(1, First.TestExamples)));

    /// <summary>Trainable parameters.</summary>
    public long Trainable => First.Trainable;

    /// <summary>Mean over seeds of the median seconds per step.</summary>
    public double SecondsPerStep => Runs.Average(r => r.SecondsPerStep);

    /// <summary>Largest peak resident set over seeds, MiB.</summary>
    public double PeakRssMiB => Runs.Max(r => r.PeakRssMiB);

    /// <summary>Largest growth of the resident set during training (peak minus the RSS before the first step) over seeds, MiB.</summary>
    public double TrainingRssMiB => Runs.Max(r => r.PeakRssMiB - r.RssBeforeTrainingMiB);

    /// <summary>Mean final training loss over seeds.</summary>
    public double FinalTrainLoss => Runs.Average(r => r.FinalTrainLoss);

    /// <summary>"method settings", e.g. "LoRA r = 8, alpha = 16".</summary>
    public string Label => First.Settings == "-" ? First.Family : First.Family + " " + First.Settings;

    /// <summary>
    /// Groups runs into configurations (a repeated seed of one configuration is kept once), ordered by task, then method
    /// family, then trainable parameters.
    /// </summary>
    /// <param name="runs">The runs.</param>
    public static IReadOnlyList<FinetuneGroup> Of(IEnumerable<FinetuneRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return
        [
            .. runs
                .GroupBy(r => r.SettingKey, StringComparer.Ordinal)
                .Select(g => new FinetuneGroup([.. g.GroupBy(r => r.Seed).Select(s => s.First()).OrderBy(r => r.Seed)]))
                .OrderBy(g => g.First.Task, StringComparer.Ordinal)
                .ThenBy(g => Order(g.First.Method))
                .ThenBy(g => g.Trainable)
                .ThenBy(g => g.First.Settings, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// The margin within which two mean test accuracies count as equal: max(1 point, 2 standard errors of the difference),
    /// the standard error of the difference being sqrt(SE_a^2 + SE_b^2).
    /// </summary>
    /// <param name="a">One configuration.</param>
    /// <param name="b">The other.</param>
    public static double Margin(FinetuneGroup a, FinetuneGroup b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Math.Max(OnePoint, 2 * Math.Sqrt((a.TestStandardError * a.TestStandardError) + (b.TestStandardError * b.TestStandardError)));
    }

    private static int Order(string method)
    {
        int i = FinetuneRun.MethodOrder.ToList().IndexOf(method);
        return i < 0 ? int.MaxValue : i;
    }
}
