using System.Globalization;
using NtkProofs.Adapters.Counting;
using NtkProofs.Experiments.FineTuning;
using NtkProofs.Experiments.Reports.Ledger;

namespace NtkProofs.Experiments.Reports.Claims.FineTuning;

/// <summary>A counted-versus-stated or counted-versus-built pair of parameter counts.</summary>
/// <param name="Label">What was counted (architecture and method, or a run's method and settings).</param>
/// <param name="Counted">ParameterCounter's formula.</param>
/// <param name="Reference">PAPER.md's stated count, or the trainable parameters of the built model.</param>
public sealed record CountPair(string Label, long Counted, long Reference);

/// <summary>Evidence of C11.</summary>
/// <param name="Table">PAPER.md's table: formula vs stated.</param>
/// <param name="Runs">Fine-tuning runs: formula (adapter + head) vs built model.</param>
public sealed record C11Evidence(IReadOnlyList<CountPair> Table, IReadOnlyList<CountPair> Runs);

/// <summary>
/// C11, restated as an implementation check: the paper's own parameter tables could not be recovered (PAPER.md), so this
/// checks public-config arithmetic only: ParameterCounter against PAPER.md's table and against the models we build.
/// </summary>
public sealed class C11ParameterCounts : IClaim
{
    /// <summary>The rule.</summary>
    public const string Rule = "implementation check of public-config arithmetic, not of the paper's printed numbers (which could not be recovered): not supported if ParameterCounter differs from any count of PAPER.md's table or, in any fine-tuning run, from the trainable parameters of the built model; inconclusive when no run built a model (only the table was checked); else supported";

    /// <inheritdoc />
    public string Id => "C11";

    /// <inheritdoc />
    public string Statement => "parameter counts as reported (checked as public-config arithmetic: formula = PAPER.md's table = built models)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => FineTuningCriteria.Configs;

    /// <summary>The verdict from the evidence.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C11Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var tableBad = e.Table.Where(p => p.Counted != p.Reference).ToList();
        var runBad = e.Runs.Where(p => p.Counted != p.Reference).ToList();
        var numbers = new List<string>
        {
            F($"PAPER.md table: {e.Table.Count - tableBad.Count} of {e.Table.Count} counts reproduced exactly"),
            F($"fine-tuning runs: formula = built model in {e.Runs.Count - runBad.Count} of {e.Runs.Count}"),
        };
        numbers.AddRange(e.Runs.DistinctBy(p => p.Label).Take(6).Select(p => F($"{p.Label}: {p.Counted:N0} counted, {p.Reference:N0} built")));
        var against = tableBad.Select(p => F($"{p.Label}: {p.Counted:N0} counted vs {p.Reference:N0} stated"))
            .Concat(runBad.Take(5).Select(p => F($"{p.Label}: {p.Counted:N0} counted vs {p.Reference:N0} built"))).ToList();
        if (tableBad.Count > 0 || runBad.Count > 0)
        {
            return new ClaimResult(Verdict.NotSupported, F($"{tableBad.Count + runBad.Count} count mismatches"), numbers, Rule, Against: against);
        }

        if (e.Runs.Count == 0)
        {
            return new ClaimResult(Verdict.Inconclusive, F($"table {e.Table.Count}/{e.Table.Count}, no built model"), numbers, Rule,
                Decider: "needs a fine-tuning run that builds a model (e.g. ./ntkproofs sweep finetune --config experiments/configs/smoke/finetune.json)");
        }

        return new ClaimResult(Verdict.Supported, F($"{e.Table.Count + e.Runs.Count} of {e.Table.Count + e.Runs.Count} counts match"), numbers, Rule);
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var table = PaperParameterTable.Rows.Select(r => new CountPair(r.Architecture.Name + " " + r.Method, r.Computed, r.Stated)).ToList();
        var runs = FineTuningRuns.Of(inputs)
            .Select(r => new CountPair(r.Family + (r.Settings == "-" ? string.Empty : " " + r.Settings), r.Counted, r.Trainable)).ToList();
        var result = Decide(new C11Evidence(table, runs));
        return result with { Commands = [.. Configs.Where(inputs.Ran).Select(inputs.Command).DefaultIfEmpty(inputs.Context.ReportCommand)] };
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
