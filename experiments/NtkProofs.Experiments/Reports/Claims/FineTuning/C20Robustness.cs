using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Adapters;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>How accuracy depends on one hyperparameter in one family of otherwise equal NTK-Attention runs.</summary>
/// <param name="Axis">The hyperparameter (<see cref="C20Robustness.Axes"/>).</param>
/// <param name="Family">The other settings in words (task, feature or s, ...).</param>
/// <param name="Best">The axis value with the highest mean test accuracy.</param>
/// <param name="Others">Each other value with its paired comparison (that value minus the best, points; null when no seed pairs).</param>
public sealed record C20Family(string Axis, string Family, string Best, IReadOnlyList<(string Value, PairedComparison? Comparison)> Others);

/// <summary>Evidence of C20.</summary>
/// <param name="Families">Every family with at least two values of its axis.</param>
public sealed record C20Evidence(IReadOnlyList<C20Family> Families);

/// <summary>
/// C20: NTK-Attention is robust to its hyperparameters: accuracy against r (prf 16..256), s, k init and the learning rate of
/// Z and k (the adapter's learning rate; the head has its own). Per axis, every value is compared with the best value of
/// its family (runs equal in everything else) on the shared test set.
/// </summary>
public sealed class C20Robustness : IClaim
{
    /// <summary>The robustness margin in accuracy points (fixed in advance): a value within it of the best is harmless.</summary>
    public const double MarginPoints = 2.0;

    /// <summary>Axis of the positive-random-feature dimension r.</summary>
    public const string AxisR = "prf r";

    /// <summary>Axis of the rank s (0 = full Z).</summary>
    public const string AxisS = "s";

    /// <summary>Axis of k's initial value.</summary>
    public const string AxisKInit = "k init";

    /// <summary>Axis of the learning rate of Z and k.</summary>
    public const string AxisLearningRate = "learning rate";

    /// <summary>The axes, in ledger order.</summary>
    public static IReadOnlyList<string> Axes { get; } = [AxisR, AxisS, AxisKInit, AxisLearningRate];

    /// <summary>The command that decides the row.</summary>
    public const string DecisiveCommand = "./ntkproofs sweep finetune-protocol --config experiments/configs/decisive/finetune-ablations.json --out reports/decisive/finetune-ablations --resume, ./ntkproofs sweep finetune --config experiments/configs/decisive/finetune-ablations-lr.json --out reports/decisive/finetune-ablations-lr --resume and ./ntkproofs sweep prefix-to-ntk --config experiments/configs/decisive/prefix-to-ntk.json --out reports/decisive/prefix-to-ntk --resume (5 seeds each; committed lines are read by every report)";

    /// <summary>The rule.</summary>
    public static readonly string Rule = F($"per axis ({string.Join(", ", Axes)}) and family of runs equal in every other setting: each value minus the family's best value (highest mean test accuracy), 95% paired CI of the crossed seeds x test-examples design (variance components by the method of moments, Student t with Satterthwaite df); harmless if CI low > -{MarginPoints:G} points, harmful if CI high < -{MarginPoints:G}, undecided otherwise or with < {FineTuningCriteria.MinimumSeeds} seeds. An axis is robust if every value of every family is harmless, sensitive if some value is harmful. Supported if all four axes are robust; supported with caveat if r, s and k init are robust and only the learning rate is sensitive (robust once the rate is tuned, as for every method); not supported if r, s or k init is sensitive; else inconclusive (an axis unmeasured or undecided), saying what would decide. k init = k(P): NTK-Attention initialized from a trained P-Tuning v2 prefix (Z(P), k(P); prefix-to-ntk) against fresh runs of the same feature, s, schedule, rate and test set");

    /// <inheritdoc />
    public string Id => "C20";

    /// <inheritdoc />
    public string Statement => "NTK-Attention is robust to its hyperparameters";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => FineTuningCriteria.AblationConfigs;

    /// <summary>The verdict from the evidence.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C20Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var numbers = new List<string>();
        var against = new List<string>();
        var deciders = new List<string>();
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string axis in Axes)
        {
            var families = e.Families.Where(f => f.Axis == axis).ToList();
            if (families.Count == 0)
            {
                state[axis] = "unmeasured";
                deciders.Add(F($"{axis}: no family with two values"));
                continue;
            }

            int harmful = 0, undecided = 0;
            foreach (var f in families)
            {
                foreach (var (value, c) in f.Others)
                {
                    string label = F($"{axis} {value} - best {f.Best} ({f.Family})");
                    if (c is not { } p)
                    {
                        undecided++;
                        numbers.Add(label + ": no paired seeds");
                        continue;
                    }

                    var outcome = p.Seeds < FineTuningCriteria.MinimumSeeds ? NonInferiorityOutcome.Inconclusive : NonInferiority.Decide(p.Difference, MarginPoints);
                    numbers.Add(F($"{label}: {p.Difference.Estimate:+0.0;-0.0;0.0} points [{p.Difference.Low:F1}, {p.Difference.High:F1}] ({p.Seeds} seeds x {p.Examples} test): {(outcome == NonInferiorityOutcome.Competitive ? "harmless" : outcome == NonInferiorityOutcome.Inferior ? "harmful" : "undecided")}"));
                    harmful += outcome == NonInferiorityOutcome.Inferior ? 1 : 0;
                    undecided += outcome == NonInferiorityOutcome.Inconclusive ? 1 : 0;
                    if (p.Difference.Estimate < -MarginPoints)
                    {
                        against.Add(F($"{label}: {-p.Difference.Estimate:F1} points below the best"));
                    }

                    if (outcome == NonInferiorityOutcome.Inconclusive)
                    {
                        deciders.Add(PairedDecider.Text(label, p, MarginPoints));
                    }
                }
            }

            state[axis] = harmful > 0 ? "sensitive" : undecided > 0 ? "undecided" : "robust";
        }

        string headline = string.Join("; ", Axes.Select(a => a + ": " + state[a]));
        bool structuralSensitive = new[] { AxisR, AxisS, AxisKInit }.Any(a => state[a] == "sensitive");
        bool structuralRobust = new[] { AxisR, AxisS, AxisKInit }.All(a => state[a] == "robust");
        var verdict = structuralSensitive ? Verdict.NotSupported
            : structuralRobust && state[AxisLearningRate] == "robust" ? Verdict.Supported
            : structuralRobust && state[AxisLearningRate] == "sensitive" ? Verdict.SupportedWithCaveat
            : Verdict.Inconclusive;
        string? decider = verdict == Verdict.Inconclusive ? string.Join("; ", deciders) + "; decide with " + DecisiveCommand : null;
        return new ClaimResult(verdict, headline, numbers, Rule, decider, against);
    }

    /// <summary>
    /// Builds the families from NTK-Attention runs: for each axis, runs whose setting keys are equal once the axis's own
    /// fields are removed (r: the feature, prf runs only; s: <c>ntk_rank</c>; k init: <c>ntk_k_init</c>, valued by the
    /// adapter's resolved k_init; learning rate: <c>lr</c> and <c>lr_grid</c>, valued by the rate used), with at least two values.
    /// </summary>
    /// <param name="runs">The runs.</param>
    public static C20Evidence Gather(IReadOnlyList<FinetuneRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var ntk = runs.Where(r => r.Method == NtkAttentionAdapterConfig.MethodName && r.Init.Length == 0).ToList();
        var families = new List<C20Family>();
        families.AddRange(Families(AxisR, ntk.Where(r => r.Feature.StartsWith("prf:", StringComparison.Ordinal)), ["feature"], r => r.Feature, r => int.Parse(r.Feature.AsSpan(4), CultureInfo.InvariantCulture)));
        families.AddRange(Families(AxisS, ntk, ["ntk_rank"], r => r.NtkRank == 0 ? "full" : F($"{r.NtkRank}"), r => r.NtkRank == 0 ? double.MaxValue : r.NtkRank));
        families.AddRange(Families(AxisKInit, ntk, ["ntk_k_init"], r => F($"{KInit(r):G3}"), KInit));
        families.AddRange(Families(AxisLearningRate, ntk, ["lr", "lr_grid"], r => F($"{r.LearningRate:G3}"), r => r.LearningRate));

        // k init = k(P): an adapter initialized from a trained prefix (Z(P), k(P)) against fresh ones of the same feature, s,
        // schedule, rate and test set (the conversion experiment and finetune-ablations-lr.json share them in the decisive profile).
        var converted = runs.Where(r => r.Method == NtkAttentionAdapterConfig.MethodName && r.Init.Length > 0).ToList();
        foreach (var g in converted.GroupBy(r => (r.Task, r.Feature, r.NtkRank, r.Schedule, r.LearningRate, r.TestExamples, r.Init)).OrderBy(g => g.Key.Task, StringComparer.Ordinal).ThenBy(g => g.Key.Feature, StringComparer.Ordinal).ThenBy(g => g.Key.Init, StringComparer.Ordinal))
        {
            var fresh = ntk.Where(r => (r.Task, r.Feature, r.NtkRank, r.Schedule, r.LearningRate, r.TestExamples) == (g.Key.Task, g.Key.Feature, g.Key.NtkRank, g.Key.Schedule, g.Key.LearningRate, g.Key.TestExamples)).ToList();
            if (fresh.Count == 0)
            {
                continue;
            }

            string kP = "k(P), Z(P) " + g.Key.Init;
            var values = new[] { (Value: kP, Runs: g.ToList()) }.Concat(fresh.GroupBy(r => F($"{KInit(r):G3}")).Select(v => (Value: v.Key, Runs: v.ToList()))).ToList();
            var best = values.MaxBy(v => v.Runs.Average(r => r.TestAccuracy));
            families.Add(new C20Family(AxisKInit, F($"{g.Key.Task}, {g.First().Settings}, {g.Key.Schedule}"), best.Value, [.. values.Where(v => v.Value != best.Value).Select(v => (v.Value, PairedRuns.Compare(v.Runs, best.Runs)))]));
        }

        return new C20Evidence(families);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Configs.Any(inputs.Ran))
        {
            return ClaimResult.NotRun(Rule, "no fine-tuning sweep ran in this profile; decide with " + DecisiveCommand);
        }

        return Decide(Gather(FineTuningRuns.WithAblations(inputs))) with { Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command)] };
    }

    private static double KInit(FinetuneRun run) =>
        run.AdapterConfigText.Length > 0 && AdapterConfigJson.Deserialize(run.AdapterConfigText) is NtkAttentionAdapterConfig c ? c.KInit : new NtkAttentionAdapterConfig().KInit;

    private static IEnumerable<C20Family> Families(string axis, IEnumerable<FinetuneRun> runs, string[] fields, Func<FinetuneRun, string> value, Func<FinetuneRun, double> order)
    {
        foreach (var g in runs.GroupBy(r => Without(r.SettingKey, fields)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byValue = g.GroupBy(value).OrderBy(v => v.Min(order)).ToList();
            if (byValue.Count < 2)
            {
                continue;
            }

            var best = byValue.MaxBy(v => v.Average(r => r.TestAccuracy))!;
            var first = g.First();
            yield return new C20Family(axis, F($"{first.Task}, {first.Settings}"), best.Key, [.. byValue.Where(v => v.Key != best.Key).Select(v => (v.Key, PairedRuns.Compare(v, best)))]);
        }
    }

    private static string Without(string settingKey, string[] fields)
    {
        if (JsonNode.Parse(settingKey) is not JsonObject o)
        {
            return settingKey;
        }

        foreach (string f in fields)
        {
            o.Remove(f);
        }

        o.Remove("seeds"); // protocol points: the number of seeds is not a setting
        return o.ToJsonString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
