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
    public const string Rule = "a comparison is decided only between configurations whose chosen learning rate is the best on validation of every rate tried for them (the protocol's search, a widened grid in finetune-protocol-wide, the validation-only search one step beyond an edge in finetune-lr-extension; same split, schedule and search seed) and has a tried rate on each side; a rate beaten on validation (under-tuned) or with no rate tried beyond it (edge unchecked) leaves the comparison undecided";

    /// <summary>The command that runs the grid-edge extension.</summary>
    public const string Command = "./ntkproofs sweep finetune-lr-extension --config experiments/configs/decisive/finetune-lr-extension.json --out reports/decisive/finetune-lr-extension --resume";

    /// <summary>The command that runs the protocol points with widened grids.</summary>
    public const string WideCommand = "./ntkproofs sweep finetune-protocol --config experiments/configs/decisive/finetune-protocol-wide.json --out reports/decisive/finetune-protocol-wide --resume";

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
        ? string.Create(CultureInfo.InvariantCulture, $"{label}: the protocol's seeds at {Beyond:G3} (a point with the grid widened to include it: `{WideCommand}`)")
        : string.Create(CultureInfo.InvariantCulture, $"{label}: the search one step beyond the grid edge ({Chosen:G3}): `{Command}` with the point added to the config");

    /// <summary>The key of a configuration: task, method and settings text.</summary>
    public static string Key(string task, string method, string settings) => task + "|" + method + "|" + settings;

    /// <summary>
    /// The tuning state of every configuration with protocol points (keyed by <see cref="Key"/>), judged at the rate of its
    /// tuned point (<see cref="Tuned"/>) against every search run of that configuration: the searches of all its protocol
    /// points (the decisive grid and any point with a widened grid) and the grid-edge extension's runs, all on the same
    /// split, schedule and search seed. Under-tuned when some tried rate reached a higher validation accuracy (ties keep
    /// the choice, as the protocol's own tie rule prefers the grid's rate on equal loss); edge-unchecked when no rate was
    /// tried beyond the one chosen (it is the smallest or largest tried); edge-confirmed when the point chose the edge of
    /// its own grid and rates tried beyond it lost; interior otherwise.
    /// </summary>
    /// <param name="protocol">The protocol points.</param>
    /// <param name="extensions">The grid-edge extension points.</param>
    public static IReadOnlyDictionary<string, RateTuning> Of(IEnumerable<FinetuneProtocolRecord> protocol, IEnumerable<FinetuneSearchExtensionRecord> extensions)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(extensions);
        var points = protocol.ToList();
        var beyond = extensions.GroupBy(e => Key(e.Task, e.Method, e.Settings)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Search).ToList());
        var map = new Dictionary<string, RateTuning>(StringComparer.Ordinal);
        foreach (var p in Tuned(points))
        {
            if (p.Search.Count == 0)
            {
                continue;
            }

            string key = Key(p.Task, p.Method, p.Settings);
            var tried = points.Where(q => Key(q.Task, q.Method, q.Settings) == key).SelectMany(q => q.Search)
                .Concat(beyond.TryGetValue(key, out var more) ? more : []).ToList();
            double chosen = p.ChosenLearningRate;
            double chosenValidation = tried.Where(t => t.LearningRate == chosen).Select(t => t.ValidationAccuracy).DefaultIfEmpty(double.NaN).Max();
            double lowest = tried.Min(t => t.LearningRate), highest = tried.Max(t => t.LearningRate);
            var better = tried.Where(t => t.ValidationAccuracy > chosenValidation).MaxBy(t => t.ValidationAccuracy);
            if (better is not null)
            {
                map[key] = new RateTuning(RateTuningStatus.UnderTuned, chosen, chosenValidation, better.LearningRate, better.ValidationAccuracy);
            }
            else if (lowest == highest || (!p.ChosenAtGridEdge && chosen > lowest && chosen < highest))
            {
                map[key] = new RateTuning(RateTuningStatus.Interior, chosen, chosenValidation, null, double.NaN);
            }
            else if (chosen == lowest || chosen == highest)
            {
                map[key] = new RateTuning(RateTuningStatus.EdgeUnchecked, chosen, chosenValidation, null, double.NaN);
            }
            else
            {
                // The point's own grid edge, with rates tried beyond it that lost: the best of those is shown.
                bool up = chosen == p.Search.Max(t => t.LearningRate);
                var next = tried.Where(t => up ? t.LearningRate > chosen : t.LearningRate < chosen).MaxBy(t => t.ValidationAccuracy)!;
                map[key] = new RateTuning(RateTuningStatus.EdgeConfirmed, chosen, chosenValidation, next.LearningRate, next.ValidationAccuracy);
            }
        }

        return map;
    }

    /// <summary>
    /// One protocol point per configuration (task, method, settings): the only one, or, where a configuration was run with
    /// several grids (the decisive grid and a widened one), the point whose chosen rate is the protocol's choice over the
    /// union of their searches (<see cref="NtkProofs.FineTuning.LearningRateSearch.Select"/>), else the one whose choice did
    /// best on validation. Its seeds are the configuration's runs in the claims; the others' seeds are superseded.
    /// </summary>
    /// <param name="protocol">The protocol points.</param>
    public static IReadOnlyList<FinetuneProtocolRecord> Tuned(IEnumerable<FinetuneProtocolRecord> protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var list = new List<FinetuneProtocolRecord>();
        foreach (var g in protocol.GroupBy(p => Key(p.Task, p.Method, p.Settings), StringComparer.Ordinal))
        {
            var points = g.ToList();
            if (points.Count == 1 || points.Any(p => p.Search.Count == 0))
            {
                list.AddRange(points.Count == 1 ? points : [points[0]]);
                continue;
            }

            var union = points.SelectMany(p => p.Search).GroupBy(t => t.LearningRate).Select(r => r.First()).ToList();
            double best = NtkProofs.FineTuning.LearningRateSearch.Select(union).LearningRate;
            list.Add(points.FirstOrDefault(p => p.ChosenLearningRate == best)
                ?? points.MaxBy(p => p.Search.Where(t => t.LearningRate == p.ChosenLearningRate).Select(t => t.ValidationAccuracy).DefaultIfEmpty(0).Max())!);
        }

        return list;
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
