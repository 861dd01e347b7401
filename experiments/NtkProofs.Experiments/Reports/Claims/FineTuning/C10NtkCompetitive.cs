using System.Globalization;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>NTK-Attention against one baseline on one task (NTK minus baseline, points).</summary>
/// <param name="Task">The task.</param>
/// <param name="Ntk">The NTK-Attention configuration (label, trainable parameters).</param>
/// <param name="Baseline">The baseline configuration (label, trainable parameters).</param>
/// <param name="Comparison">The paired comparison, or null when no seed pairs (no stored per-example correctness).</param>
public sealed record C10Comparison(string Task, string Ntk, string Baseline, PairedComparison? Comparison)
{
    /// <summary>The NTK-Attention configuration's learning-rate tuning (<see cref="RateTuning.Rule"/>).</summary>
    public RateTuning NtkTuning { get; init; } = RateTuning.None;

    /// <summary>The baseline configuration's learning-rate tuning.</summary>
    public RateTuning BaselineTuning { get; init; } = RateTuning.None;
}

/// <summary>Evidence of C10.</summary>
/// <param name="Comparisons">Every (task, baseline) comparison of tasks with NTK-Attention runs.</param>
/// <param name="TasksWithoutNtk">Tasks with baseline runs but no NTK-Attention run (listed, not compared).</param>
public sealed record C10Evidence(IReadOnlyList<C10Comparison> Comparisons, IReadOnlyList<string> TasksWithoutNtk);

/// <summary>C10: NTK-Attention is competitive with LoRA, P-Tuning v2 and full FT at comparable trainable parameters (paired non-inferiority).</summary>
public sealed class C10NtkCompetitive : IClaim
{
    /// <summary>The baseline families.</summary>
    public static readonly IReadOnlyList<string> BaselineMethods = [LoraAdapterConfig.MethodName, PrefixTuningAdapterConfig.MethodName, FullFineTuningConfig.MethodName];

    /// <summary>The rule.</summary>
    public static readonly string Rule = F($"per task, the NTK-Attention configuration best on validation against, per baseline family (LoRA, P-Tuning v2, full FT), its configuration best on validation among those with at most {FineTuningCriteria.ParameterBudgetRatio:G}x the NTK trainable parameters: NTK minus baseline test accuracy, 95% paired CI of the crossed seeds x test-examples design (variance components by the method of moments, Student t with Satterthwaite df), McNemar per seed; competitive if CI low > -{FineTuningCriteria.MarginPoints:G} point (margin fixed in advance), inferior if CI high < -{FineTuningCriteria.MarginPoints:G}, undecided otherwise or with fewer than {FineTuningCriteria.MinimumSeeds} paired seeds; {RateTuning.Rule}. Supported if competitive against every baseline on every task with NTK runs; not supported if on every task NTK is inferior to some baseline; else inconclusive. Tasks without NTK runs are listed; superiority (CI low > 0) reported separately");

    /// <inheritdoc />
    public string Id => "C10";

    /// <inheritdoc />
    public string Statement => "NTK-Attention is competitive with LoRA / P-Tuning v2 / full FT at equal parameters";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => FineTuningCriteria.Configs;

    /// <summary>The verdict from the evidence.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C10Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var numbers = new List<string>();
        var against = new List<string>();
        var deciders = new List<string>();
        numbers.AddRange(e.TasksWithoutNtk.Select(t => t + ": not compared (no NTK-Attention runs)"));
        if (e.Comparisons.Count == 0)
        {
            return new ClaimResult(Verdict.Inconclusive, "no NTK vs baseline pair", numbers, Rule, "needs NTK-Attention and baseline runs on a shared task, within the parameter budget, with per-example correctness");
        }

        var tasks = e.Comparisons.GroupBy(c => c.Task).ToList();
        int competitiveTasks = 0, inferiorTasks = 0;
        foreach (var task in tasks)
        {
            bool allCompetitive = true, anyInferior = false;
            foreach (var c in task)
            {
                string label = F($"{c.Task}: {c.Ntk} - {c.Baseline}");
                if (c.Comparison is not { } p)
                {
                    allCompetitive = false;
                    numbers.Add(label + ": no paired seeds (runs lack per-example correctness)");
                    deciders.Add(label + ": rerun with per-example correctness stored");
                    continue;
                }

                var byCi = p.Seeds < FineTuningCriteria.MinimumSeeds ? NonInferiorityOutcome.Inconclusive : NonInferiority.Decide(p.Difference, FineTuningCriteria.MarginPoints);
                var notes = new List<string>();
                var outcome = RateTuning.Gate(byCi, [(F($"{c.Task} {c.Ntk}"), c.NtkTuning), (F($"{c.Task} {c.Baseline}"), c.BaselineTuning)], notes, deciders);
                allCompetitive &= outcome == NonInferiorityOutcome.Competitive;
                anyInferior |= outcome == NonInferiorityOutcome.Inferior;
                bool superior = p.Seeds >= FineTuningCriteria.MinimumSeeds && NonInferiority.Superior(p.Difference);
                numbers.Add(F($"{label}: {p.Difference.Estimate:+0.0;-0.0;0.0} points [{p.Difference.Low:F1}, {p.Difference.High:F1}] ({p.AccuracyA:F1} vs {p.AccuracyB:F1}, {p.Seeds} seeds x {p.Examples} test, McNemar p {string.Join(", ", p.McNemarP.Select(x => x.ToString("G2", CultureInfo.InvariantCulture)))}): {outcome}{(superior ? ", superior" : string.Empty)}{(outcome != byCi ? F($" (by the CI alone: {byCi})") : string.Empty)}{(notes.Count > 0 ? " [" + string.Join("; ", notes) + "]" : string.Empty)}"));
                if (p.Difference.Estimate < 0)
                {
                    against.Add(F($"{label}: NTK-Attention {-p.Difference.Estimate:F1} points below"));
                }

                if (byCi == NonInferiorityOutcome.Inconclusive)
                {
                    deciders.Add(PairedDecider.Text(label, p, FineTuningCriteria.MarginPoints));
                }
            }

            competitiveTasks += allCompetitive ? 1 : 0;
            inferiorTasks += anyInferior ? 1 : 0;
        }

        var worst = e.Comparisons.Where(c => c.Comparison is not null).MinBy(c => c.Comparison!.Difference.Estimate);
        string headline = worst is null ? "no paired seeds" : F($"worst: vs {worst.Baseline} ({worst.Task}) {worst.Comparison!.Difference.Estimate:+0.0;-0.0;0.0} pts [{worst.Comparison.Difference.Low:F1}, {worst.Comparison.Difference.High:F1}]{(worst.NtkTuning.Decidable && worst.BaselineTuning.Decidable ? string.Empty : ", rate not yet tuned")}");
        var verdict = competitiveTasks == tasks.Count ? Verdict.Supported : inferiorTasks == tasks.Count ? Verdict.NotSupported : Verdict.Inconclusive;
        string? decider = verdict == Verdict.Inconclusive
            ? string.Join("; ", deciders.DefaultIfEmpty(F($"mixed: competitive on {competitiveTasks}, inferior to some baseline on {inferiorTasks} of {tasks.Count} tasks")))
            : null;
        return new ClaimResult(verdict, headline, numbers, Rule, decider, against);
    }

    /// <summary>Builds the evidence from fine-tuning runs.</summary>
    /// <param name="runs">The runs of both grids.</param>
    /// <param name="tuning">The learning-rate tuning of the protocol points (<see cref="RateTuning.Of"/>); null: none known.</param>
    public static C10Evidence Gather(IReadOnlyList<FinetuneRun> runs, IReadOnlyDictionary<string, RateTuning>? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        tuning ??= new Dictionary<string, RateTuning>();
        var groups = FinetuneGroup.Of(runs);
        var ntk = groups.Where(g => g.First.Method == NtkAttentionAdapterConfig.MethodName).ToList();
        var baselineTasks = groups.Where(g => BaselineMethods.Contains(g.First.Method)).Select(g => g.First.Task).Distinct();
        var withoutNtk = baselineTasks.Except(ntk.Select(g => g.First.Task)).Order(StringComparer.Ordinal).ToList();
        var list = new List<C10Comparison>();
        foreach (var task in ntk.Select(g => g.First.Task).Distinct().Order(StringComparer.Ordinal))
        {
            var best = ntk.Where(g => g.First.Task == task).MaxBy(g => g.Validation.Mean)!;
            foreach (string method in BaselineMethods)
            {
                var rival = groups.Where(g => g.First.Task == task && g.First.Method == method && g.Trainable <= FineTuningCriteria.ParameterBudgetRatio * best.Trainable)
                    .MaxBy(g => g.Validation.Mean);
                if (rival is not null)
                {
                    list.Add(new C10Comparison(task, F($"{best.Label} ({best.Trainable:N0})"), F($"{rival.Label} ({rival.Trainable:N0})"), PairedRuns.Compare(best.Runs, rival.Runs)) { NtkTuning = RateTuning.For(tuning, best.First), BaselineTuning = RateTuning.For(tuning, rival.First) });
                }
            }
        }

        return new C10Evidence(list, withoutNtk);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Configs.Any(inputs.Ran))
        {
            return ClaimResult.NotRun(Rule, F($"the '{FineTuningCriteria.BaselineConfig}' and '{FineTuningCriteria.NtkConfig}' sweeps did not run in this profile"));
        }

        var runs = FineTuningRuns.Of(inputs);
        return Decide(Gather(runs, FineTuningRuns.Tuning(inputs))) with { Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command)], Figures = FineTuningFigures.AccuracyAgainstParameters(runs), Details = FineTuningRuns.ProtocolDetails(FineTuningRuns.ProtocolPoints(inputs), FineTuningRuns.Extensions(inputs)) + "\n" + FineTuningFigures.Table(runs) };
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
