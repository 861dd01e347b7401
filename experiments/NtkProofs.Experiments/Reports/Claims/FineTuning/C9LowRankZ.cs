using System.Globalization;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>One low-rank-versus-full-Z comparison: rank s against full Z on one task and feature map.</summary>
/// <param name="Task">The task.</param>
/// <param name="Feature">The feature map.</param>
/// <param name="Rank">s of Z = Z_A Z_B.</param>
/// <param name="Comparison">Paired comparison of low-rank minus full Z (points), or null when no seed pairs (no stored per-example correctness).</param>
public sealed record C9Comparison(string Task, string Feature, long Rank, PairedComparison? Comparison)
{
    /// <summary>The low-rank configuration's learning-rate tuning (<see cref="RateTuning.Rule"/>).</summary>
    public RateTuning LowRankTuning { get; init; } = RateTuning.None;

    /// <summary>The full-Z configuration's learning-rate tuning.</summary>
    public RateTuning FullTuning { get; init; } = RateTuning.None;
}

/// <summary>Evidence of C9.</summary>
/// <param name="Comparisons">One per (task, feature, s).</param>
public sealed record C9Evidence(IReadOnlyList<C9Comparison> Comparisons);

/// <summary>C9: low-rank Z = Z_A Z_B loses little against full Z (paired non-inferiority per s).</summary>
public sealed class C9LowRankZ : IClaim
{
    /// <summary>The rule.</summary>
    public static readonly string Rule = F($"per task, feature map and s: accuracy of low-rank Z minus full Z on the shared test set, 95% paired CI of the crossed seeds x test-examples design (variance components by the method of moments, Student t with Satterthwaite df) (McNemar per seed); competitive if CI low > -{FineTuningCriteria.MarginPoints:G} point (margin fixed in advance), inferior if CI high < -{FineTuningCriteria.MarginPoints:G}, else undecided; a comparison with fewer than {FineTuningCriteria.MinimumSeeds} paired seeds is undecided whatever its CI; {RateTuning.Rule}. Supported if every s is competitive; not supported if every s is inferior; else inconclusive (with the projected CI half-width at {FineTuningCriteria.TargetSeeds} seeds)");

    /// <inheritdoc />
    public string Id => "C9";

    /// <inheritdoc />
    public string Statement => "low-rank Z loses little versus full Z";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => FineTuningCriteria.Configs;

    /// <summary>The verdict from the evidence.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C9Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Comparisons.Count == 0)
        {
            return new ClaimResult(Verdict.Inconclusive, "no low-rank vs full Z pair", [], Rule, "needs NTK-Attention runs with full Z and with some s on the same task, feature and seeds");
        }

        var numbers = new List<string>();
        var against = new List<string>();
        var deciders = new List<string>();
        int competitive = 0, inferior = 0;
        foreach (var c in e.Comparisons)
        {
            string label = F($"{c.Task} {c.Feature} s = {c.Rank} - full Z");
            if (c.Comparison is not { } p)
            {
                numbers.Add(label + ": no paired seeds (runs lack per-example correctness; rerun)");
                deciders.Add(label + ": rerun with per-example correctness stored");
                continue;
            }

            var byCi = p.Seeds < FineTuningCriteria.MinimumSeeds ? NonInferiorityOutcome.Inconclusive : NonInferiority.Decide(p.Difference, FineTuningCriteria.MarginPoints);
            var notes = new List<string>();
            var tuningDeciders = new List<string>();
            var outcome = RateTuning.Gate(byCi, [(F($"{c.Task} s = {c.Rank}"), c.LowRankTuning), (F($"{c.Task} full Z"), c.FullTuning)], notes, tuningDeciders);
            competitive += outcome == NonInferiorityOutcome.Competitive ? 1 : 0;
            inferior += outcome == NonInferiorityOutcome.Inferior ? 1 : 0;
            numbers.Add(F($"{label}: {p.Difference.Estimate:+0.0;-0.0;0.0} points [{p.Difference.Low:F1}, {p.Difference.High:F1}] ({p.AccuracyA:F1} vs {p.AccuracyB:F1}, {p.Seeds} seeds x {p.Examples} test, McNemar p {string.Join(", ", p.McNemarP.Select(x => x.ToString("G2", CultureInfo.InvariantCulture)))}): {outcome}{(outcome != byCi ? F($" (by the CI alone: {byCi})") : string.Empty)}{(notes.Count > 0 ? " [" + string.Join("; ", notes) + "]" : string.Empty)}"));
            deciders.AddRange(tuningDeciders);
            if (p.Difference.Estimate < 0)
            {
                against.Add(F($"{label}: low-rank {-p.Difference.Estimate:F1} points below full Z"));
            }

            if (byCi == NonInferiorityOutcome.Inconclusive)
            {
                deciders.Add(PairedDecider.Text(label, p, FineTuningCriteria.MarginPoints));
            }
        }

        var worst = e.Comparisons.Where(c => c.Comparison is not null).MinBy(c => c.Comparison!.Difference.Estimate);
        string headline = worst is null ? "no paired seeds" : F($"worst s = {worst.Rank}: {worst.Comparison!.Difference.Estimate:+0.0;-0.0;0.0} pts [{worst.Comparison.Difference.Low:F1}, {worst.Comparison.Difference.High:F1}]{(worst.LowRankTuning.Decidable && worst.FullTuning.Decidable ? string.Empty : ", rate not yet tuned")}");
        int n = e.Comparisons.Count;
        var verdict = competitive == n ? Verdict.Supported : inferior == n ? Verdict.NotSupported : Verdict.Inconclusive;
        return new ClaimResult(verdict, headline, numbers, Rule, verdict == Verdict.Inconclusive ? string.Join("; ", deciders.DefaultIfEmpty(F($"mixed: competitive at {competitive}, inferior at {inferior} of {n} ranks"))) : null, against);
    }

    /// <summary>Builds the evidence from fine-tuning runs: every NTK s &gt; 0 against full Z with the same task, feature and schedule.</summary>
    /// <param name="runs">The runs.</param>
    /// <param name="tuning">The learning-rate tuning of the protocol points (<see cref="RateTuning.Of"/>); null: none known.</param>
    public static C9Evidence Gather(IReadOnlyList<FinetuneRun> runs, IReadOnlyDictionary<string, RateTuning>? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        tuning ??= new Dictionary<string, RateTuning>();
        var ntk = runs.Where(r => r.Method == NtkAttentionAdapterConfig.MethodName).ToList();
        var list = new List<C9Comparison>();
        foreach (var g in ntk.GroupBy(r => (r.Task, r.Feature, r.Schedule)).OrderBy(g => g.Key.Task, StringComparer.Ordinal).ThenBy(g => g.Key.Feature, StringComparer.Ordinal))
        {
            var full = g.Where(r => r.NtkRank == 0).ToList();
            if (full.Count == 0)
            {
                continue;
            }

            foreach (var s in g.Where(r => r.NtkRank > 0).GroupBy(r => r.NtkRank).OrderBy(s => s.Key))
            {
                list.Add(new C9Comparison(g.Key.Task, g.Key.Feature, s.Key, PairedRuns.Compare(s, full)) { LowRankTuning = RateTuning.For(tuning, s.First()), FullTuning = RateTuning.For(tuning, full[0]) });
            }
        }

        return new C9Evidence(list);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Configs.Any(inputs.Ran))
        {
            return ClaimResult.NotRun(Rule, F($"the '{FineTuningCriteria.NtkConfig}' sweep did not run in this profile"));
        }

        var runs = FineTuningRuns.Of(inputs);
        return Decide(Gather(runs, FineTuningRuns.Tuning(inputs))) with { Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command)], Figures = FineTuningFigures.AccuracyAgainstParameters(runs), Details = FineTuningFigures.Table(runs) };
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
