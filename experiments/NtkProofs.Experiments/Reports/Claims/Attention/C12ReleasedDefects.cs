using NtkProofs.Measurements;
using System.Globalization;
using System.Text;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>The reading of one defect of the released code.</summary>
/// <param name="Name">The defect.</param>
/// <param name="Measured">The measurement in words (empty if not measured).</param>
/// <param name="Reproduced">True if reproduced, false if not, null if the sweep lacks the measurement.</param>
public sealed record DefectReading(string Name, string Measured, bool? Reproduced);

/// <summary>C12: the released code has the defects PAPER.md lists, reproduced against the faithful ports.</summary>
public sealed class C12ReleasedDefects : IClaim
{
    /// <summary>The rule, in words.</summary>
    public static readonly string Rule = string.Create(CultureInfo.InvariantCulture,
        $"supported if every defect reproduces against the faithful ports: double counting (Z = 0, k = 0 relative error < {AttentionCriteria.DoubleCountingExactMax:E0} in the released script while ignoring the prefix costs > {AttentionCriteria.DoubleCountingEffectMin:E0} as intended), frozen k (zero gradient and no movement from kappa = 0 while kappa = 0.01 moves > {AttentionCriteria.FrozenKSmallMoveMin:E0}), float32 overflow (prefix term dropped from a row max in [{AttentionCriteria.OverflowRowMaxRange.Min}, {AttentionCriteria.OverflowRowMaxRange.Max}], our stable forward < {AttentionCriteria.OverflowStableErrorMax:E0} there), evaluation dropout (two evaluation calls differ, ours do not), model selection on the reported split (the accuracy on the selection split exceeds a fresh split's, 95% CI above 0, and two test splits pick different checkpoints); not supported if a measured defect does not reproduce (the released code is then not defective as stated); inconclusive if the sweep lacks a defect's measurement");

    /// <inheritdoc />
    public string Id => "C12";

    /// <inheritdoc />
    public string Statement => "released-code defects (double-counted prefix, frozen k, eval dropout, fp32 overflow, model selection on the reported split)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs { get; } = [AttentionCriteria.DefectsConfig];

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var results = inputs.Results<ReleasedDefectsResult>(AttentionCriteria.DefectsConfig);
        if (results is null || results.Count == 0)
        {
            return ClaimResult.NotRun(Rule, $"the '{AttentionCriteria.DefectsConfig}' sweep must run");
        }

        return Decide(results[0].Result) with { Commands = [inputs.Command(AttentionCriteria.DefectsConfig)] };
    }

    /// <summary>Each defect's reading under the criteria (null where a measurement is missing or not finite).</summary>
    /// <param name="r">The measurements.</param>
    public static IReadOnlyList<DefectReading> Read(ReleasedDefectsResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        static bool Has(params double?[] v) => v.All(x => x is { } d && !double.IsNaN(d));
        var (lo, hi) = AttentionCriteria.OverflowRowMaxRange;
        return
        [
            new DefectReading("prefix double counting in the error script",
                Has(r.DoubleCountingReleasedError, r.DoubleCountingIntendedError) ? F($"Z = 0, k = 0 relative error {r.DoubleCountingReleasedError:E1} in the released script vs {r.DoubleCountingIntendedError:E2} as intended") : string.Empty,
                Has(r.DoubleCountingReleasedError, r.DoubleCountingIntendedError) ? r.DoubleCountingReleasedError < AttentionCriteria.DoubleCountingExactMax && r.DoubleCountingIntendedError > AttentionCriteria.DoubleCountingEffectMin : null),
            new DefectReading("k = abs(kappa) initialized at 0 never moves",
                Has(r.FrozenKGradientAtZero, r.FrozenKMovedFromZero, r.FrozenKMovedFromSmall) ? F($"gradient at 0: {r.FrozenKGradientAtZero:E1}; moved from 0: {r.FrozenKMovedFromZero:E1}, from 0.01: {r.FrozenKMovedFromSmall:E2}") : string.Empty,
                Has(r.FrozenKGradientAtZero, r.FrozenKMovedFromZero, r.FrozenKMovedFromSmall) ? r.FrozenKGradientAtZero == 0 && r.FrozenKMovedFromZero == 0 && r.FrozenKMovedFromSmall > AttentionCriteria.FrozenKSmallMoveMin : null),
            new DefectReading("float32 overflow drops the prefix term",
                Has(r.OverflowRowMax, r.OverflowStableError) ? F($"from row max {r.OverflowRowMax:F2} the released output is the no-prefix output (exact {r.OverflowExactOutput ?? double.NaN:F3}); our stable forward's error there {r.OverflowStableError:E1}") : string.Empty,
                Has(r.OverflowRowMax, r.OverflowStableError) ? r.OverflowRowMax > lo && r.OverflowRowMax < hi && r.OverflowStableError < AttentionCriteria.OverflowStableErrorMax : null),
            new DefectReading("dropout on phi(Q) stays active at evaluation",
                Has(r.EvalDropoutDifference, r.OurEvalDifference) ? F($"two evaluation calls differ by {r.EvalDropoutDifference:E2} (ours: {r.OurEvalDifference:E1})") : string.Empty,
                Has(r.EvalDropoutDifference, r.OurEvalDifference) ? r.EvalDropoutDifference > 0 && r.OurEvalDifference == 0 : null),
            new DefectReading("model selection on the reported (test) split",
                Has(r.ModelSelectionOptimism, r.ModelSelectionOptimismSe, r.ModelSelectionDisagreement) ? F($"reported accuracy optimistic by {r.ModelSelectionOptimism:F3} +- {AttentionCriteria.SelectionZ * (r.ModelSelectionOptimismSe ?? 0):F3} (95% CI) vs a fresh split; two test splits pick different checkpoints in {r.ModelSelectionDisagreement:P0} of replicates") : string.Empty,
                Has(r.ModelSelectionOptimism, r.ModelSelectionOptimismSe, r.ModelSelectionDisagreement) ? r.ModelSelectionOptimism - (AttentionCriteria.SelectionZ * r.ModelSelectionOptimismSe) > 0 && r.ModelSelectionDisagreement > 0 : null),
        ];
    }

    /// <summary>The rule: from the evidence to the verdict and its numbers.</summary>
    /// <param name="r">The measurements.</param>
    public static ClaimResult Decide(ReleasedDefectsResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var readings = Read(r);
        var numbers = readings.Select(d => d.Reproduced is null ? $"{d.Name}: not measured" : $"{d.Name}: {d.Measured} ({(d.Reproduced.Value ? "reproduced" : "not reproduced")})").ToList();
        var details = new StringBuilder();
        details.AppendLine("| defect | measured | reproduced |");
        details.AppendLine("|---|---|---|");
        foreach (var d in readings)
        {
            details.AppendLine(CultureInfo.InvariantCulture, $"| {d.Name} | {(d.Measured.Length > 0 ? d.Measured : "-")} | {(d.Reproduced is { } b ? (b ? "yes" : "no") : "not measured")} |");
        }

        int reproduced = readings.Count(d => d.Reproduced == true);
        var failed = readings.Where(d => d.Reproduced == false).ToList();
        var missing = readings.Where(d => d.Reproduced is null).ToList();
        var against = failed.Select(d => $"{d.Name} does not reproduce: {d.Measured}").ToList();
        if (failed.Count > 0)
        {
            return new ClaimResult(Verdict.NotSupported, F($"{failed.Count}/{readings.Count} defects do not reproduce ({string.Join(", ", failed.Select(d => d.Name))})"), numbers, Rule,
                Against: against, Details: details.ToString());
        }

        if (missing.Count > 0)
        {
            return new ClaimResult(Verdict.Inconclusive, F($"{reproduced}/{readings.Count} reproduced, {missing.Count} not measured"), numbers, Rule,
                $"needs the measurement of: {string.Join("; ", missing.Select(d => d.Name))} (run the released-defects experiment in full)", against, Details: details.ToString());
        }

        return new ClaimResult(Verdict.Supported, F($"{reproduced}/{readings.Count} defects reproduced; overflow from row max {r.OverflowRowMax:F2}"), numbers, Rule,
            Against: against, Details: details.ToString());
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
