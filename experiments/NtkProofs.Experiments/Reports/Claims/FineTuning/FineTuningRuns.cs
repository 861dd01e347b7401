using System.Globalization;
using System.Text;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>The typed fine-tuning evidence of a report: single runs (<see cref="FinetuneRun"/>) and protocol points (<see cref="FinetuneProtocolRecord"/>).</summary>
public static class FineTuningRuns
{
    /// <summary>
    /// Every run of the fine-tuning configs that ran: the seeds of the protocol points and, for the tasks the protocol has no
    /// point on, the single-run grids. On a task with protocol points the protocol's runs supersede the single-run grids (a
    /// fixed short schedule on another split would otherwise compete in "best on validation" with tuned, early-stopped runs).
    /// </summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyList<FinetuneRun> Of(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var protocol = Protocol(inputs).SelectMany(p => p.Runs).ToList();
        IEnumerable<FinetuneRun> single =
        [
            .. (inputs.Results<FinetuneRun>(FineTuningCriteria.BaselineConfig) ?? []).Select(r => r.Result),
            .. (inputs.Results<FinetuneRun>(FineTuningCriteria.NtkConfig) ?? []).Select(r => r.Result),
        ];
        return Superseding(protocol, single);
    }

    /// <summary><paramref name="protocol"/> runs plus the <paramref name="single"/> runs of tasks without protocol runs.</summary>
    /// <param name="protocol">Runs of the protocol (tuned learning rate, early stopping, seeds).</param>
    /// <param name="single">Runs of single-run grids.</param>
    public static IReadOnlyList<FinetuneRun> Superseding(IReadOnlyList<FinetuneRun> protocol, IEnumerable<FinetuneRun> single)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(single);
        var tasks = protocol.Select(r => r.Task).ToHashSet(StringComparer.Ordinal);
        return [.. single.Where(r => !tasks.Contains(r.Task)), .. protocol];
    }

    /// <summary>
    /// <see cref="Of"/> plus the runs of issue 10's ablation configs (C19, C20): <see cref="FineTuningCriteria.AblationConfig"/>
    /// (protocol points), <see cref="FineTuningCriteria.LearningRateConfig"/> (single runs) and the two trained runs of each
    /// <see cref="FineTuningCriteria.ConversionConfig"/> point (the prefix, and NTK-Attention initialized from it).
    /// </summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyList<FinetuneRun> WithAblations(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return
        [
            .. Of(inputs),
            .. (inputs.Results<FinetuneProtocolRecord>(FineTuningCriteria.AblationConfig) ?? []).SelectMany(r => r.Result.Runs),
            .. (inputs.Results<FinetuneRun>(FineTuningCriteria.LearningRateConfig) ?? []).Select(r => r.Result),
            .. (inputs.Results<PrefixConversionRecord>(FineTuningCriteria.ConversionConfig) ?? []).SelectMany(r => new[] { r.Result.Prefix, r.Result.Trained }),
        ];
    }

    /// <summary>The grid-edge extension points (empty when that config did not run).</summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyList<FinetuneSearchExtensionRecord> Extensions(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [.. (inputs.Results<FinetuneSearchExtensionRecord>(FineTuningCriteria.ExtensionConfig) ?? []).Select(r => r.Result)];
    }

    /// <summary>The learning-rate tuning of every protocol point (<see cref="RateTuning.Of"/>).</summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyDictionary<string, RateTuning> Tuning(ClaimInputs inputs) => RateTuning.Of(ProtocolPoints(inputs), Extensions(inputs));

    /// <summary>
    /// Every protocol point (the decisive grid and the widened grids; empty when neither ran). Where a configuration has
    /// several, <see cref="Protocol"/> keeps one.
    /// </summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyList<FinetuneProtocolRecord> ProtocolPoints(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return
        [
            .. (inputs.Results<FinetuneProtocolRecord>(FineTuningCriteria.ProtocolConfig) ?? []).Select(r => r.Result),
            .. (inputs.Results<FinetuneProtocolRecord>(FineTuningCriteria.ProtocolWideConfig) ?? []).Select(r => r.Result),
        ];
    }

    /// <summary>The protocol points, one per configuration (<see cref="RateTuning.Tuned"/>; empty when the protocol configs did not run).</summary>
    /// <param name="inputs">The claim inputs.</param>
    public static IReadOnlyList<FinetuneProtocolRecord> Protocol(ClaimInputs inputs) => RateTuning.Tuned(ProtocolPoints(inputs));

    /// <summary>
    /// The protocol section of C10's details: the protocol text (from the records, or the default settings when it did
    /// not run, saying so) and, per point, the learning-rate search and what it chose.
    /// </summary>
    /// <param name="protocol">The protocol points.</param>
    /// <param name="extensions">The grid-edge extension points (<see cref="RateTuning"/>).</param>
    public static string ProtocolDetails(IReadOnlyList<FinetuneProtocolRecord> protocol, IReadOnlyList<FinetuneSearchExtensionRecord>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        extensions ??= [];
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        if (protocol.Count == 0)
        {
            var defaults = new FineTuneProtocolSettings([1e-4, 1e-3, 1e-2], 100, [1, 2, 3, 4, 5], 1000, 50, 3);
            text.AppendLine("**Protocol (issue 10, fixed in advance; not run in this profile, whose runs use one fixed schedule and learning rate per method):** " + FineTuneProtocol.Describe(defaults) + " Run it with `./ntkproofs sweep finetune-protocol --config experiments/configs/decisive/finetune-protocol.json --out reports/decisive/finetune-protocol --resume [--shard i/N]` and commit the lines; every report reads them.");
            return text.ToString();
        }

        // Lines written before the paired CI became the crossed-design interval name the bootstrap it replaced.
        text.AppendLine("**Protocol (issue 10, fixed in advance):** " + protocol[0].Protocol.Replace("(McNemar, paired bootstrap CI)", "(McNemar; CIs of the crossed seeds x test-examples design)", StringComparison.Ordinal));
        text.AppendLine();
        text.AppendLine("| task | method | learning rates tried (validation accuracy) | chosen | seeds | test n | SE <= 1.5 pts | steps | s / step | hours |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in protocol.OrderBy(p => p.Task, StringComparer.Ordinal).ThenBy(p => NtkProofs.Adapters.AdapterMethods.Order(p.Method)).ThenBy(p => p.Settings, StringComparer.Ordinal))
        {
            string tried = string.Join(", ", p.Search.OrderBy(t => t.LearningRate).Select(t => string.Create(inv, $"{t.LearningRate:G3} ({100 * t.ValidationAccuracy:F1})")));
            text.AppendLine(string.Create(inv, $"| {p.Task} | {FinetuneRun.FamilyName(p.Method)} {p.Settings} | {tried} | {p.ChosenLearningRate:G3}{(p.ChosenAtGridEdge ? " (grid edge)" : string.Empty)} | {p.Runs.Count} | {p.TestExamples} | {(p.TestStandardErrorMet ? "yes" : "no")} | {p.TotalSteps} | {p.SecondsPerStep:F3} | {p.TotalSeconds / 3600:F2} |"));
        }

        var tuning = RateTuning.Of(protocol, extensions);
        var flagged = RateTuning.Tuned(protocol).Select(p => (Point: p, Tuning: tuning[RateTuning.Key(p.Task, p.Method, p.Settings)])).Where(x => x.Tuning.Status != RateTuningStatus.Interior).ToList();
        if (flagged.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(string.Create(inv, $"Learning-rate tuning ({flagged.Count} configuration(s) chose a rate at a grid edge; grid-edge check `{RateTuning.Command}`, widened grids `{RateTuning.WideCommand}`): ") + string.Join("; ", flagged.Select(x => string.Create(inv, $"{x.Point.Task} {FinetuneRun.FamilyName(x.Point.Method)} {x.Point.Settings}: {x.Tuning.Text}"))) + ".");
        }

        // The compute spent (issue 10 asks for it): every run of every point, search and seeds, as measured by the runs.
        double hours = protocol.Sum(p => p.TotalSeconds) / 3600;
        long steps = protocol.Sum(p => p.TotalSteps);
        int resumed = protocol.Sum(p => p.StoredRuns.Count);
        text.AppendLine();
        text.AppendLine(string.Create(inv, $"Compute: {protocol.Count} protocol point(s), {protocol.Sum(p => p.Search.Count + p.Runs.Count)} training runs, {steps:N0} optimizer steps, {hours:F2} hours of training wall-clock (sum over runs; each point ran as one process on the machine of its commit; s / step is that process's wall-clock per optimizer step, so it depends on its torch threads and on what else shared the machine: the sweep manifests under `manifests/` record `torch_threads`, and s / step compares only between points run the same way){(resumed > 0 ? $"; {resumed} run(s) were read from stored parts of an interrupted point (the record's `stored_runs` names the commit of each)" : string.Empty)}{(extensions.Count > 0 ? $"; grid-edge check: {extensions.Sum(e => e.Search.Count)} search run(s), {extensions.Sum(e => e.TotalSeconds) / 3600:F2} hours" : string.Empty)}."));
        return text.ToString();
    }
}
