using System.Globalization;
using System.Text;
using NtkProofs.Attention;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;
using NtkProofs.FeatureMaps;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>The beta distribution over heads of one prefix state and the Taylor degree its heads need.</summary>
/// <param name="Steps">Training steps of the prefix (0 = init).</param>
/// <param name="HeadCount">Layer-head pairs.</param>
/// <param name="Max">Largest beta.</param>
/// <param name="P99">99th percentile of beta over heads.</param>
/// <param name="Median">Median beta over heads.</param>
/// <param name="MedianDegree01">Smallest even g with 2 eps_g / (1 - eps_g) &lt;= 0.1 at the median beta (null if none up to 200).</param>
/// <param name="MedianDegree001">Smallest even g with 2 eps_g / (1 - eps_g) &lt;= 0.01 at the median beta.</param>
/// <param name="MaxDegree01">Smallest even g with 2 eps_g / (1 - eps_g) &lt;= 0.1 at the largest beta.</param>
/// <param name="MaxDegree001">Smallest even g with 2 eps_g / (1 - eps_g) &lt;= 0.01 at the largest beta.</param>
public sealed record C13State(int Steps, int HeadCount, double Max, double P99, double Median, int? MedianDegree01, int? MedianDegree001, int? MaxDegree01, int? MaxDegree001);

/// <summary>The evidence of C13: the measured states (init, trained).</summary>
/// <param name="Points">The theoremb-real points.</param>
public sealed record C13Evidence(IReadOnlyList<RealBetaResult> Points);

/// <summary>C13: the theorem-backed feature map (Taylor of degree g, Theorem B) is usable at real scale.</summary>
public sealed class C13TheoremBInPractice : IClaim
{
    /// <summary>The config this claim reads.</summary>
    public const string Config = "theoremb-real";

    /// <summary>Largest degree searched.</summary>
    public const int MaxDegree = 200;

    /// <inheritdoc />
    public string Id => "C13";

    /// <inheritdoc />
    public string Statement => "the theorem-backed feature map is usable at real scale";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [Config];

    /// <summary>The rule in words.</summary>
    public static string Rule => FormattableString.Invariant(
        $"beta = max |<q, kappa>| / sqrt(d_h) per layer and head (real MiniLM queries against P-Tuning v2 prefix keys); g(eps) = the smallest even g with 2 eps_g / (1 - eps_g) <= eps, eps_g = beta^(g+1) e^beta / (g+1)! (Theorem B's bound factor, PAPER.md). Judged on the trained prefix (the init prefix is shown): not supported if the median head needs g >= {WidthCriteria.C13RefutedDegree} at eps = 0.1; supported if it needs g <= {WidthCriteria.C13SupportedDegree}; supported with caveat otherwise; inconclusive without a trained prefix.");

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<RealBetaResult>(Config);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{Config}' sweep: {inputs.Command(Config)}");
        }

        return Decide(new C13Evidence([.. records.Select(r => r.Result)])) with { Commands = [inputs.Command(Config)] };
    }

    /// <summary>
    /// Smallest even g with Theorem B's bound factor 2 eps_g(beta) / (1 - eps_g(beta)) &lt;= eps (PAPER.md's C13), or null if
    /// none up to <see cref="MaxDegree"/>.
    /// </summary>
    /// <param name="beta">beta.</param>
    /// <param name="eps">Target.</param>
    public static int? Degree(double beta, double eps) => TheoremB.TrySmallestEvenDegree(beta, eps, MaxDegree);

    /// <summary>The distribution and degrees of one point.</summary>
    /// <param name="p">One prefix state.</param>
    public static C13State State(RealBetaResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var sorted = p.Heads.Select(h => h.Beta).OrderBy(b => b).ToList();
        double max = sorted[^1], median = BootstrapCi.Quantile(sorted, 0.5);
        return new C13State(p.Steps, sorted.Count, max, BootstrapCi.Quantile(sorted, 0.99), median, Degree(median, 0.1), Degree(median, 0.01), Degree(max, 0.1), Degree(max, 0.01));
    }

    private static string G(int? g, int d) => g is { } v
        ? (TaylorFeatureMap.FeatureCount(d, v) is var r && r == long.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"g {v} (r > 9.2e18)")
            : string.Create(CultureInfo.InvariantCulture, $"g {v} (r = {r:N0})"))
        : $"g > {MaxDegree}";

    /// <summary>The verdict from the beta distributions.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C13Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var states = e.Points.Where(p => p.Heads.Count > 0).Select(p => (Point: p, State: State(p))).OrderBy(s => s.State.Steps).ToList();
        var numbers = states.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"m = {s.Point.PrefixLength}, {(s.State.Steps == 0 ? "prefix at init" : $"after {s.State.Steps} steps (final loss {s.Point.FinalTrainLoss:0.###})")}, {s.State.HeadCount} heads, {s.Point.Queries} queries: beta max {s.State.Max:0.###}, 99th {s.State.P99:0.###}, median {s.State.Median:0.###}; median head eps 0.1: {G(s.State.MedianDegree01, s.Point.HeadDim)}, eps 0.01: {G(s.State.MedianDegree001, s.Point.HeadDim)}; worst head eps 0.1: {G(s.State.MaxDegree01, s.Point.HeadDim)}, eps 0.01: {G(s.State.MaxDegree001, s.Point.HeadDim)}")).ToList();
        var trained = states.Where(s => s.State.Steps > 0).ToList();
        Verdict verdict;
        string? decider = null;
        string headline;
        var against = new List<string>();
        if (trained.Count == 0)
        {
            verdict = Verdict.Inconclusive;
            decider = "a trained prefix (a point with steps > 0 in the 'theoremb-real' sweep)";
            headline = states.Count == 0 ? "no beta" : string.Create(CultureInfo.InvariantCulture, $"init median beta {states[0].State.Median:0.##} (no trained prefix)");
        }
        else
        {
            // The longest-trained prefix decides.
            var s = trained[^1];
            int need = s.State.MedianDegree01 ?? int.MaxValue;
            verdict = need >= WidthCriteria.C13RefutedDegree ? Verdict.NotSupported : need <= WidthCriteria.C13SupportedDegree ? Verdict.Supported : Verdict.SupportedWithCaveat;
            headline = string.Create(CultureInfo.InvariantCulture, $"median beta {s.State.Median:0.##}: {G(s.State.MedianDegree01, s.Point.HeadDim)} at eps 0.1");
            if (need > WidthCriteria.C13SupportedDegree)
            {
                against.Add(string.Create(CultureInfo.InvariantCulture, $"the median trained head needs {G(s.State.MedianDegree01, s.Point.HeadDim)} at eps = 0.1"));
            }

            if ((s.State.MaxDegree01 ?? int.MaxValue) > WidthCriteria.C13SupportedDegree)
            {
                against.Add(string.Create(CultureInfo.InvariantCulture, $"the worst trained head (beta {s.State.Max:0.##}) needs {G(s.State.MaxDegree01, s.Point.HeadDim)} at eps = 0.1"));
            }
        }

        return new ClaimResult(verdict, headline, numbers, Rule, decider, against, [Figure(e.Points)], Table(e.Points));
    }

    private static ClaimFigure Figure(IReadOnlyList<RealBetaResult> points)
    {
        var series = points.Select((p, i) =>
        {
            var sorted = p.Heads.Select(h => h.Beta).OrderBy(b => b).ToList();
            return new FigureSeries(p.Steps == 0 ? "prefix at init" : $"after {p.Steps} steps", [.. sorted.Select((_, j) => (j + 1.0) / sorted.Count)], [.. sorted.Select(b => Math.Max(b, 1e-6))], SeriesStyle.Line, ColorIndex: i);
        }).ToList();
        var spec = new FigureSpec("fig_c13_beta", "beta over MiniLM's layer-head pairs", "fraction of heads", "beta = max |<q, kappa>| / sqrt(d_h)", AxisScale.Linear, AxisScale.Log10, series, LegendOutside: true);
        return new ClaimFigure(spec, "sorted beta of every (layer, head): real queries of held-out polarity sentences against the P-Tuning v2 prefix keys.");
    }

    private static string Table(IReadOnlyList<RealBetaResult> points)
    {
        var sb = new StringBuilder("| steps | layer | beta per head |\n|---:|---:|---|\n");
        foreach (var p in points.OrderBy(p => p.Steps))
        {
            foreach (var layer in p.Heads.GroupBy(h => h.Layer))
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {p.Steps} | {layer.Key} | {string.Join(", ", layer.Select(h => h.Beta.ToString("0.##", CultureInfo.InvariantCulture)))} |"));
            }
        }

        return sb.ToString();
    }
}
