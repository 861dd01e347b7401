using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>The evidence of C17.</summary>
/// <param name="Points">The small-prefix sweep's points (every feature map).</param>
/// <param name="RequiredPrefixLengths">m the rule needs (10, 100).</param>
/// <param name="RequiredLengths">L the rule needs (128, 1024).</param>
/// <param name="Feature">The map the rule judges (elu1, the paper's).</param>
public sealed record C17Evidence(IReadOnlyList<SmallPrefixResult> Points, IReadOnlyList<int> RequiredPrefixLengths, IReadOnlyList<int> RequiredLengths, string Feature = "elu1");

/// <summary>C17: NTK-Attention is still useful at small m and at m close to L.</summary>
public sealed class C17SmallPrefix : IClaim
{
    /// <summary>The config this claim reads.</summary>
    public const string Config = "small-prefix";

    /// <inheritdoc />
    public string Id => "C17";

    /// <inheritdoc />
    public string Statement => "NTK-Attention is still useful at small m and at m close to L";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [Config];

    /// <summary>The rule in words.</summary>
    public static string Rule => FormattableString.Invariant(
        $"held-out relative error of the trained Z, k (phi = elu1, the paper's map) against exact prefix attention at every m in {{10, 100}} and L in {{128, 1024}}: not supported if some measured cell exceeds {WidthCriteria.C17RefutedError}; inconclusive if a cell was not measured; supported if every cell is at most {WidthCriteria.C17SupportedError}; supported with caveat otherwise. The closed form and the zero state (prefix ignored) are reported next to it.");

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<SmallPrefixResult>(Config);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{Config}' sweep: {inputs.Command(Config)}");
        }

        return Decide(new C17Evidence([.. records.Select(r => r.Result)], [10, 100], [128, 1024])) with { Commands = [inputs.Command(Config)] };
    }

    /// <summary>The verdict from the errors.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C17Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var judged = e.Points.Where(p => p.Feature == e.Feature && e.RequiredPrefixLengths.Contains(p.PrefixLength)).ToList();
        var missing = (from m in e.RequiredPrefixLengths from l in e.RequiredLengths where !judged.Any(p => p.PrefixLength == m && p.Length == l) select $"m = {m}, L = {l}").ToList();
        var numbers = e.Points.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Feature} (r = {p.R}), m = {p.PrefixLength}, L = {p.Length}, d = {p.Dim}: trained {p.TrainedError:0.0000}, closed form {p.ClosedFormError:0.0000}, zero state {p.ZeroStateError:0.0000} ({p.Steps} Adam steps)")).ToList();
        var against = judged.Where(p => p.TrainedError > WidthCriteria.C17SupportedError).Select(p => string.Create(CultureInfo.InvariantCulture, $"m = {p.PrefixLength}, L = {p.Length}: trained error {p.TrainedError:0.000} > {WidthCriteria.C17SupportedError}")).ToList();
        against.AddRange(judged.Where(p => p.TrainedError >= p.ZeroStateError).Select(p => string.Create(CultureInfo.InvariantCulture, $"m = {p.PrefixLength}, L = {p.Length}: trained Z, k ({p.TrainedError:0.000}) no better than ignoring the prefix ({p.ZeroStateError:0.000})")));
        string headline = judged.Count == 0 ? "no elu1 points" : string.Create(CultureInfo.InvariantCulture, $"worst trained error {judged.Max(p => p.TrainedError):0.000} (elu1, {judged.Count} cells)");
        Verdict verdict;
        string? decider = null;
        if (judged.Any(p => p.TrainedError > WidthCriteria.C17RefutedError))
        {
            verdict = Verdict.NotSupported;
        }
        else if (missing.Count > 0)
        {
            verdict = Verdict.Inconclusive;
            decider = $"the trained error at {string.Join("; ", missing)} ('{Config}' sweep, full profile)";
        }
        else
        {
            verdict = judged.All(p => p.TrainedError <= WidthCriteria.C17SupportedError) ? Verdict.Supported : Verdict.SupportedWithCaveat;
        }

        return new ClaimResult(verdict, headline, numbers, Rule, decider, against, [Figure(e.Points)], Table(e.Points));
    }

    private static ClaimFigure Figure(IReadOnlyList<SmallPrefixResult> points)
    {
        var series = points.GroupBy(p => (p.Feature, p.Length)).SelectMany((g, i) =>
        {
            var sorted = g.OrderBy(p => p.PrefixLength).ToList();
            return new[]
            {
                new FigureSeries($"trained {g.Key.Feature}, L = {g.Key.Length}", [.. sorted.Select(p => (double)p.PrefixLength)], [.. sorted.Select(p => Math.Max(p.TrainedError, 1e-6))], ColorIndex: i),
                new FigureSeries($"closed form {g.Key.Feature}, L = {g.Key.Length}", [.. sorted.Select(p => (double)p.PrefixLength)], [.. sorted.Select(p => Math.Max(p.ClosedFormError, 1e-6))], SeriesStyle.DashedLine, ColorIndex: i),
            };
        }).ToList();
        var spec = new FigureSpec("fig_c17_small_m", "NTK-Attention error at small m and m close to L", "m", "relative error", AxisScale.Log10, AxisScale.Log10, series,
            [new ReferenceLine("0.05", WidthCriteria.C17SupportedError), new ReferenceLine("0.2", WidthCriteria.C17RefutedError)], LegendOutside: true);
        return new ClaimFigure(spec, "held-out relative error against exact prefix attention; solid: Z, k trained by Adam; dashed: closed form Z(P), k(P).");
    }

    private static string Table(IReadOnlyList<SmallPrefixResult> points)
    {
        var sb = new StringBuilder("| phi (r) | m | L | trained | closed form | zero state |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var p in points.OrderBy(p => p.Feature, StringComparer.Ordinal).ThenBy(p => p.Length).ThenBy(p => p.PrefixLength))
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {p.Feature} ({p.R}) | {p.PrefixLength} | {p.Length} | {p.TrainedError:0.0000} | {p.ClosedFormError:0.0000} | {p.ZeroStateError:0.0000} |"));
        }

        return sb.ToString();
    }
}
