using System.Globalization;
using NtkProofs.Experiments.FineTuning;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>Whether a protocol point's chosen learning rate is known to be tuned.</summary>
public enum RateTuningStatus
{
    /// <summary>Chosen inside the search grid (or the configuration had no search: single-run grids).</summary>
    Interior,

    /// <summary>Chosen at the grid's edge, and no rate beyond it (finetune-lr-extension) did better on validation.</summary>
    EdgeConfirmed,

    /// <summary>Chosen at the grid's edge, with no rate beyond it tried yet.</summary>
    EdgeUnchecked,

    /// <summary>Chosen at the grid's edge, and a rate beyond it did better on validation: the point is under-tuned.</summary>
    UnderTuned,
}

/// <summary>
/// The tuning state of one protocol point (task, method, settings): whether its chosen rate sits at the edge of its
/// search grid, and what the grid-edge extension (<see cref="FinetuneSearchExtensionExperiment"/>) found beyond it.
/// </summary>
/// <param name="Status">The state.</param>
/// <param name="Chosen">The chosen rate.</param>
/// <param name="ChosenValidation">The chosen rate's search validation accuracy (fraction).</param>
/// <param name="Beyond">The best rate tried beyond the edge, or null.</param>
/// <param name="BeyondValidation">Its validation accuracy (fraction), or NaN.</param>
public sealed record RateTuning(RateTuningStatus Status, double Chosen, double ChosenValidation, double? Beyond, double BeyondValidation)
{
    /// <summary>The rule, in words (part of C9's and C10's rules).</summary>
    public const string Rule = "a comparison is decided only between configurations whose chosen learning rate lies inside its search grid, or at the grid's edge and confirmed by the validation-only search one step beyond it (finetune-lr-extension: same split, schedule and search seed); an edge rate not yet checked, or beaten there on validation (under-tuned), leaves the comparison undecided";

    /// <summary>The command that runs the grid-edge extension.</summary>
    public const string Command = "./ntkproofs sweep finetune-lr-extension --config experiments/configs/decisive/finetune-lr-extension.json --out reports/decisive/finetune-lr-extension --resume";

    /// <summary>Whether comparisons with this configuration may be decided.</summary>
    public bool Decidable => Status is RateTuningStatus.Interior or RateTuningStatus.EdgeConfirmed;

    /// <summary>The state in words, for a comparison's row.</summary>
    public string Text => Status switch
    {
        RateTuningStatus.Interior => "rate inside the grid",
        RateTuningStatus.EdgeConfirmed => string.Create(CultureInfo.InvariantCulture, $"rate {Chosen:G3} at the grid edge, confirmed: {Beyond:G3} beyond it reached {BeyondValidation * 100:F1}% validation against {ChosenValidation * 100:F1}%"),
        RateTuningStatus.EdgeUnchecked => string.Create(CultureInfo.InvariantCulture, $"rate {Chosen:G3} at the grid edge, not checked beyond it"),
        _ => string.Create(CultureInfo.InvariantCulture, $"under-tuned: {Beyond:G3} beyond the grid edge reached {BeyondValidation * 100:F1}% validation against {ChosenValidation * 100:F1}% at the chosen {Chosen:G3}"),
    };

    /// <summary>What would decide a comparison this state leaves undecided.</summary>
    public string Decider(string label) => Status == RateTuningStatus.UnderTuned
        ? string.Create(CultureInfo.InvariantCulture, $"{label}: the protocol's seeds at {Beyond:G3} (a protocol point with the grid widened to include it)")
        : string.Create(CultureInfo.InvariantCulture, $"{label}: the search one step beyond the grid edge ({Chosen:G3}): `{Command}` with the point added to the config");

    /// <summary>The key of a configuration: task, method and settings text.</summary>
    public static string Key(string task, string method, string settings) => task + "|" + method + "|" + settings;

    /// <summary>
    /// The tuning state of every protocol point (keyed by <see cref="Key"/>), from its search and the extension's runs
    /// of the same configuration: an extension rate counts when it lies beyond the edge the point chose (above the
    /// largest rate when that was chosen, below the smallest when that was), and beats the choice when its validation
    /// accuracy is higher (ties keep the choice, as the protocol's own tie rule prefers the grid's rate on equal loss).
    /// </summary>
    /// <param name="protocol">The protocol points.</param>
    /// <param name="extensions">The grid-edge extension points.</param>
    public static IReadOnlyDictionary<string, RateTuning> Of(IEnumerable<FinetuneProtocolRecord> protocol, IEnumerable<FinetuneSearchExtensionRecord> extensions)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(extensions);
        var beyond = extensions.GroupBy(e => Key(e.Task, e.Method, e.Settings)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Search).ToList());
        var map = new Dictionary<string, RateTuning>(StringComparer.Ordinal);
        foreach (var p in protocol)
        {
            if (p.Search.Count == 0)
            {
                continue;
            }

            double chosen = p.ChosenLearningRate;
            double chosenValidation = p.Search.Where(t => t.LearningRate == chosen).Select(t => t.ValidationAccuracy).DefaultIfEmpty(double.NaN).Max();
            double lowest = p.Search.Min(t => t.LearningRate), highest = p.Search.Max(t => t.LearningRate);
            string key = Key(p.Task, p.Method, p.Settings);
            if (!p.ChosenAtGridEdge || lowest == highest)
            {
                map[key] = new RateTuning(RateTuningStatus.Interior, chosen, chosenValidation, null, double.NaN);
                continue;
            }

            bool up = chosen == highest;
            var tried = (beyond.TryGetValue(key, out var t0) ? t0 : []).Where(t => up ? t.LearningRate > highest : t.LearningRate < lowest).ToList();
            if (tried.Count == 0)
            {
                map[key] = new RateTuning(RateTuningStatus.EdgeUnchecked, chosen, chosenValidation, null, double.NaN);
                continue;
            }

            var best = tried.MaxBy(t => t.ValidationAccuracy)!;
            var status = best.ValidationAccuracy > chosenValidation ? RateTuningStatus.UnderTuned : RateTuningStatus.EdgeConfirmed;
            map[key] = new RateTuning(status, chosen, chosenValidation, best.LearningRate, best.ValidationAccuracy);
        }

        return map;
    }

    /// <summary>The state of a configuration (<see cref="RateTuningStatus.Interior"/> when it is no protocol point).</summary>
    /// <param name="map">The states.</param>
    /// <param name="run">A run of the configuration.</param>
    public static RateTuning For(IReadOnlyDictionary<string, RateTuning> map, FinetuneRun run)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(run);
        return map.TryGetValue(Key(run.Task, run.Method, run.Settings), out var t) ? t : None;
    }

    /// <summary>The state of a configuration without a search.</summary>
    public static RateTuning None { get; } = new(RateTuningStatus.Interior, double.NaN, double.NaN, null, double.NaN);

    /// <summary>
    /// A comparison's outcome under <see cref="Rule"/>: <paramref name="outcome"/> when both sides are decidable, else
    /// <see cref="Statistics.NonInferiorityOutcome.Inconclusive"/>; the sides that are not decidable add their row note
    /// to <paramref name="notes"/> and what would decide to <paramref name="deciders"/>.
    /// </summary>
    /// <param name="outcome">The outcome by the CI alone.</param>
    /// <param name="sides">Each side's name and tuning state.</param>
    /// <param name="notes">Row notes (appended).</param>
    /// <param name="deciders">What would decide (appended).</param>
    public static Statistics.NonInferiorityOutcome Gate(Statistics.NonInferiorityOutcome outcome, IEnumerable<(string Name, RateTuning Tuning)> sides, List<string> notes, List<string> deciders)
    {
        ArgumentNullException.ThrowIfNull(sides);
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentNullException.ThrowIfNull(deciders);
        bool decidable = true;
        foreach (var (name, tuning) in sides)
        {
            if (tuning.Status != RateTuningStatus.Interior)
            {
                notes.Add(name + ": " + tuning.Text);
            }

            if (!tuning.Decidable)
            {
                decidable = false;
                deciders.Add(tuning.Decider(name));
            }
        }

        return decidable ? outcome : Statistics.NonInferiorityOutcome.Inconclusive;
    }
}
