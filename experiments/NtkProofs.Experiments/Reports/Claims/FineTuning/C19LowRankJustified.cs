using System.Globalization;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>The spectra of one kind of Z over the runs (seeds), layers and heads of one (task, method settings, feature).</summary>
/// <param name="Source"><see cref="ZSpectrum.TrainedZ"/> or <see cref="ZSpectrum.PrefixZ"/>.</param>
/// <param name="Task">The task.</param>
/// <param name="Settings">The run's method settings ("elu1, full Z", "m = 10").</param>
/// <param name="Feature">phi of Z.</param>
/// <param name="Runs">Runs (seeds) pooled.</param>
/// <param name="Heads">Heads pooled (layers x heads x runs).</param>
/// <param name="Dimension">min(r, d_h).</param>
/// <param name="MedianEffectiveRank">Median over heads of exp(entropy of sigma / sum sigma).</param>
/// <param name="MedianEnergy">Median over heads of the top-s share of ||Z||_F^2, for s = 1, 2, 4, 8, 16.</param>
public sealed record C19Spectra(string Source, string Task, string Settings, string Feature, int Runs, int Heads, int Dimension, double MedianEffectiveRank, IReadOnlyList<double> MedianEnergy)
{
    /// <summary>The s of <see cref="MedianEnergy"/>.</summary>
    public static IReadOnlyList<int> Ranks { get; } = [1, 2, 4, 8, 16];

    /// <summary>Median energy at rank s (one of <see cref="Ranks"/>).</summary>
    /// <param name="s">s.</param>
    public double EnergyAt(int s) => MedianEnergy[Ranks.ToList().IndexOf(s)];
}

/// <summary>Evidence of C19.</summary>
/// <param name="Spectra">Spectra of trained full Z and of Z(P) of learned prefixes.</param>
/// <param name="Accuracy">Low-rank minus full Z per s (as C9 gathers them).</param>
public sealed record C19Evidence(IReadOnlyList<C19Spectra> Spectra, IReadOnlyList<C9Comparison> Accuracy);

/// <summary>
/// C19: a low-rank Z is justified, from two kinds of evidence: the singular spectrum of trained full Z (and, reported
/// alongside, of Z(P) of learned P-Tuning v2 prefixes, whose rank is at most m) and accuracy against s in {1, 2, 4, 8, 16}
/// against full Z.
/// </summary>
public sealed class C19LowRankJustified : IClaim
{
    /// <summary>The s the spectral and accuracy tests look at: "low rank" means s &lt;= this.</summary>
    public const int LowRank = 8;

    /// <summary>A spectrum is concentrated when the median top-<see cref="LowRank"/> energy share is at least this (fixed in advance).</summary>
    public const double EnergyThreshold = 0.90;

    /// <summary>The rule.</summary>
    public static readonly string Rule = F($"spectral: trained full Z is concentrated if the median over runs, layers and heads of the top-{LowRank} share of ||Z||_F^2 is >= {EnergyThreshold:G} (effective rank = exp(entropy of sigma / sum sigma) reported; Z(P) of learned prefixes reported too, rank <= m); accuracy: per task, feature and s <= {LowRank}, low-rank minus full Z with 95% paired CI of the crossed seeds x test-examples design (variance components by the method of moments, Student t with Satterthwaite df), competitive if CI low > -{FineTuningCriteria.MarginPoints:G} point, inferior if CI high < -{FineTuningCriteria.MarginPoints:G}, undecided otherwise or with < {FineTuningCriteria.MinimumSeeds} seeds ({RateTuning.Rule}). Supported if some s <= {LowRank} is competitive and trained Z is concentrated; supported with caveat if some s <= {LowRank} is competitive but trained Z is not concentrated (low rank works without a low-rank trained Z); not supported if every s <= {LowRank} compared is inferior; else inconclusive (no trained-Z spectrum, or no decided comparison), saying what would decide");

    /// <summary>The command that decides the row.</summary>
    public const string DecisiveCommand = "./ntkproofs sweep finetune-protocol --config experiments/configs/decisive/finetune-protocol.json --out reports/decisive/finetune-protocol --resume (s in {1, 2, 4, 8, 16, full} with >= 5 seeds and spectra; committed lines are read by every report)";

    /// <inheritdoc />
    public string Id => "C19";

    /// <inheritdoc />
    public string Statement => "a low-rank Z is justified";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => FineTuningCriteria.AblationConfigs;

    /// <summary>The verdict from the evidence.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C19Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var numbers = new List<string>();
        var against = new List<string>();
        var deciders = new List<string>();
        foreach (var s in e.Spectra)
        {
            numbers.Add(F($"{s.Source} {s.Task} {s.Settings} ({s.Feature}, {s.Runs} run(s), {s.Heads} heads, dim {s.Dimension}): median effective rank {s.MedianEffectiveRank:F2}; median top-s energy {string.Join(", ", C19Spectra.Ranks.Select((r, i) => F($"s={r}: {s.MedianEnergy[i]:F3}")))}"));
        }

        var trained = e.Spectra.Where(s => s.Source == ZSpectrum.TrainedZ).ToList();
        bool? concentrated = trained.Count == 0 ? null : trained.All(s => s.EnergyAt(LowRank) >= EnergyThreshold);
        foreach (var s in trained.Where(s => s.EnergyAt(LowRank) < EnergyThreshold))
        {
            against.Add(F($"trained full Z ({s.Task}, {s.Feature}): top-{LowRank} energy {s.EnergyAt(LowRank):F3} < {EnergyThreshold:G}, effective rank {s.MedianEffectiveRank:F1} of {s.Dimension}"));
        }

        if (concentrated is null)
        {
            deciders.Add("no spectrum of a trained full Z (needs an NTK-Attention full-Z run recorded with spectra)");
        }

        int competitive = 0, inferior = 0, decided = 0;
        var small = e.Accuracy.Where(c => c.Rank <= LowRank).ToList();
        foreach (var c in small)
        {
            string label = F($"{c.Task} {c.Feature} s = {c.Rank} - full Z");
            if (c.Comparison is not { } p)
            {
                numbers.Add(label + ": no paired seeds");
                deciders.Add(label + ": rerun with per-example correctness stored");
                continue;
            }

            var byCi = p.Seeds < FineTuningCriteria.MinimumSeeds ? NonInferiorityOutcome.Inconclusive : NonInferiority.Decide(p.Difference, FineTuningCriteria.MarginPoints);
            var notes = new List<string>();
            var outcome = RateTuning.Gate(byCi, [(F($"{c.Task} s = {c.Rank}"), c.LowRankTuning), (F($"{c.Task} full Z"), c.FullTuning)], notes, deciders);
            numbers.Add(F($"{label}: {p.Difference.Estimate:+0.0;-0.0;0.0} points [{p.Difference.Low:F1}, {p.Difference.High:F1}] ({p.Seeds} seeds x {p.Examples} test): {outcome}{(outcome != byCi ? F($" (by the CI alone: {byCi})") : string.Empty)}{(notes.Count > 0 ? " [" + string.Join("; ", notes) + "]" : string.Empty)}"));
            competitive += outcome == NonInferiorityOutcome.Competitive ? 1 : 0;
            inferior += outcome == NonInferiorityOutcome.Inferior ? 1 : 0;
            decided += outcome == NonInferiorityOutcome.Inconclusive ? 0 : 1;
            if (p.Difference.Estimate < 0)
            {
                against.Add(F($"{label}: {-p.Difference.Estimate:F1} points below full Z"));
            }

            if (byCi == NonInferiorityOutcome.Inconclusive)
            {
                deciders.Add(PairedDecider.Text(label, p, FineTuningCriteria.MarginPoints));
            }
        }

        if (small.Count == 0)
        {
            deciders.Add(F($"no low-rank run with s <= {LowRank} next to a full Z"));
        }

        string spectral = trained.Count == 0 ? "no trained-Z spectrum" : F($"trained Z top-{LowRank} energy {trained.Min(s => s.EnergyAt(LowRank)):F3}, eff. rank {trained.Max(s => s.MedianEffectiveRank):F1}");
        string headline = F($"{spectral}; s <= {LowRank}: {competitive} competitive, {inferior} inferior of {small.Count}");
        Verdict verdict;
        if (small.Count > 0 && inferior == small.Count)
        {
            verdict = Verdict.NotSupported;
        }
        else if (competitive > 0 && concentrated == true)
        {
            verdict = Verdict.Supported;
        }
        else if (competitive > 0 && concentrated == false)
        {
            verdict = Verdict.SupportedWithCaveat;
        }
        else
        {
            verdict = Verdict.Inconclusive;
        }

        string? decider = verdict == Verdict.Inconclusive ? string.Join("; ", deciders.DefaultIfEmpty("no s <= 8 decided competitive")) + "; decide with " + DecisiveCommand : null;
        return new ClaimResult(verdict, headline, numbers, Rule, decider, against);
    }

    /// <summary>Builds the evidence: spectra pooled per (source, task, settings, feature), accuracy comparisons as C9.</summary>
    /// <param name="runs">The runs.</param>
    /// <param name="tuning">The learning-rate tuning of the protocol points (<see cref="RateTuning.Of"/>); null: none known.</param>
    public static C19Evidence Gather(IReadOnlyList<FinetuneRun> runs, IReadOnlyDictionary<string, RateTuning>? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var spectra = runs.Where(r => r.ZSpectra.Length > 0)
            .SelectMany(r => r.Spectra.Select(z => (Run: r, Z: z)))
            .GroupBy(x => (x.Z.Source, x.Run.Task, x.Run.Settings, x.Z.Feature))
            .OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.Task, StringComparer.Ordinal).ThenBy(g => g.Key.Settings, StringComparer.Ordinal)
            .Select(g => new C19Spectra(g.Key.Source, g.Key.Task, g.Key.Settings, g.Key.Feature,
                g.Select(x => x.Run).Distinct().Count(), g.Count(), g.Max(x => x.Z.Dimension),
                Median(g.Select(x => x.Z.EffectiveRank)),
                [.. C19Spectra.Ranks.Select(s => Median(g.Select(x => x.Z.EnergyFraction(s))))]))
            .ToList();
        return new C19Evidence(spectra, C9LowRankZ.Gather(runs, tuning).Comparisons);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Configs.Any(inputs.Ran))
        {
            return ClaimResult.NotRun(Rule, "no fine-tuning sweep ran in this profile; decide with " + DecisiveCommand);
        }

        return Decide(Gather(FineTuningRuns.WithAblations(inputs), FineTuningRuns.Tuning(inputs))) with { Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command)] };
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : 0.5 * (v[(v.Count / 2) - 1] + v[v.Count / 2]);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
