using System.Globalization;
using System.Text;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>The fine-tuning figures and tables shared by C9 and C10: accuracy against trainable parameters with 95% CIs, per task.</summary>
public static class FineTuningFigures
{
    /// <summary>
    /// 95% CI (points) of a configuration's mean test accuracy: the crossed-design interval of <see cref="PairedComparison"/>
    /// (seeds crossed with test examples) against an all-wrong reference, which is the configuration's own accuracy;
    /// null when its runs lack per-example correctness.
    /// </summary>
    /// <param name="group">The configuration's seeds.</param>
    public static ConfidenceInterval? AccuracyCi(FinetuneGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var runs = group.Runs.Where(r => r.TestCorrect.Length > 0).ToList();
        if (runs.Count == 0 || runs.Any(r => r.TestCorrect.Length != runs[0].TestCorrect.Length))
        {
            return null;
        }

        var a = runs.Select(r => (IReadOnlyList<bool>)Correctness.Decode(r.TestCorrect)).ToList();
        var none = runs.Select(r => (IReadOnlyList<bool>)new bool[r.TestCorrect.Length]).ToList();
        return PairedComparison.Compare(a, none).Difference;
    }

    /// <summary>One figure per task: mean test accuracy against trainable parameters, one series per method family, 95% CI bars (one SD over seeds where correctness is missing).</summary>
    /// <param name="runs">The runs.</param>
    public static IReadOnlyList<ClaimFigure> AccuracyAgainstParameters(IReadOnlyList<FinetuneRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var groups = FinetuneGroup.Of(runs);
        var figures = new List<ClaimFigure>();
        foreach (var task in groups.Select(g => g.First.Task).Distinct().Order(StringComparer.Ordinal))
        {
            var series = new List<FigureSeries>();
            foreach (var method in FinetuneRun.MethodOrder)
            {
                var family = groups.Where(g => g.First.Task == task && g.First.Method == method).OrderBy(g => g.Trainable).ToList();
                if (family.Count == 0)
                {
                    continue;
                }

                var ci = family.Select(AccuracyCi).ToList();
                series.Add(new FigureSeries(
                    FinetuneRun.FamilyName(method),
                    [.. family.Select(g => (double)g.Trainable)],
                    [.. family.Select(g => 100 * g.Test.Mean)],
                    method == NtkAttentionAdapterConfig.MethodName ? SeriesStyle.Markers : SeriesStyle.LineWithMarkers,
                    [.. family.Select((g, i) => ci[i] is { } c ? (100 * g.Test.Mean) - c.Low : 100 * g.Test.StandardDeviation)],
                    [.. family.Select((g, i) => ci[i] is { } c ? c.High - (100 * g.Test.Mean) : 100 * g.Test.StandardDeviation)],
                    FinetuneRun.MethodOrder.ToList().IndexOf(method)));
            }

            var spec = new FigureSpec($"fig_finetune_{task}", $"Fine-tuning ({task}): test accuracy against trainable parameters", "trainable parameters (adapter + head)", "test accuracy (%)",
                AxisScale.Log10, AxisScale.Linear, series, Width: 860, LegendOutside: true);
            figures.Add(new ClaimFigure(spec, "Mean test accuracy over seeds against trainable parameters (adapter + head, log scale), one series per method family; bars: 95% CI of the crossed seeds x test-examples design (variance components, Satterthwaite t) (one SD over seeds for runs without stored per-example correctness); chance is 50 %."));
        }

        return figures;
    }

    /// <summary>The per-task table: method, settings, lr, trainable / total, test and validation accuracy, s/step, peak RSS, final loss.</summary>
    /// <param name="runs">The runs.</param>
    public static string Table(IReadOnlyList<FinetuneRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var groups = FinetuneGroup.Of(runs);
        var md = new StringBuilder();
        foreach (var task in groups.Select(g => g.First.Task).Distinct().Order(StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Task {task}:");
            md.AppendLine();
            md.AppendLine("| method | settings | lr | trainable / total | seeds | test accuracy % [95% CI] | validation % | s / step | peak RSS MiB | final train loss |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var g in groups.Where(g => g.First.Task == task))
            {
                var f = g.First;
                string ci = AccuracyCi(g) is { } c ? F($"{c.Estimate:F1} [{c.Low:F1}, {c.High:F1}]") : F($"{100 * g.Test.Mean:F1} (no CI)");
                md.AppendLine(F($"| {f.Family} | {f.Settings} | {f.LearningRate:0.######} | {f.Trainable:N0} / {f.Total:N0} | {g.Seeds} | {ci} | {100 * g.Validation.Mean:F1} | {g.SecondsPerStep:F3} | {g.PeakRssMiB:F0} | {g.FinalTrainLoss:F3} |"));
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
