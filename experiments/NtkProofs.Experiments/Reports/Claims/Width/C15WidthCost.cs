using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;

namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>
/// The crossover m* of one (width, L, phi): the prefix length at which streamed prefix attention becomes as slow as
/// NTK-Attention, log-log interpolated between the bracketing grid points. Censored at the grid's ends: when prefix
/// attention is already slower at the smallest m, m* lies in (0, Low..High = that m]; when it is never slower, m* &gt; the largest m.
/// </summary>
/// <param name="DModel">d_model.</param>
/// <param name="Length">L.</param>
/// <param name="Feature">phi.</param>
/// <param name="R">r.</param>
/// <param name="Low">Lower bound of m* (equal to <paramref name="High"/> when bracketed; 0 when below the grid).</param>
/// <param name="High">Upper bound of m* (infinity when above the grid).</param>
/// <param name="NtkSeconds">NTK-Attention forward seconds.</param>
/// <param name="NtkPeakMiB">NTK-Attention peak extra memory, MiB.</param>
public sealed record C15Crossover(int DModel, int Length, string Feature, long R, double Low, double High, double NtkSeconds, double? NtkPeakMiB)
{
    /// <summary>m* as text: a value, "&lt;= m" or "&gt; m".</summary>
    public string Text => double.IsPositiveInfinity(High) ? string.Create(CultureInfo.InvariantCulture, $"> {Low:0}")
        : Low == 0 ? string.Create(CultureInfo.InvariantCulture, $"<= {High:0}")
        : string.Create(CultureInfo.InvariantCulture, $"{High:0}");
}

/// <summary>The evidence of C15.</summary>
/// <param name="Points">The width-bench points.</param>
/// <param name="RequiredWidths">d_model the rule needs (2048, 4096).</param>
public sealed record C15Evidence(IReadOnlyList<WidthBenchResult> Points, IReadOnlyList<int> RequiredWidths);

/// <summary>C15: NTK-Attention is cheaper than prefix attention at the widths models use.</summary>
public sealed class C15WidthCost : IClaim
{
    /// <summary>The config this claim reads.</summary>
    public const string Config = "width-bench";

    /// <inheritdoc />
    public string Id => "C15";

    /// <inheritdoc />
    public string Statement => "NTK-Attention is cheaper than prefix attention at the widths models use";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [Config];

    /// <summary>The rule in words.</summary>
    public static string Rule => FormattableString.Invariant(
        $"crossover m* (streamed prefix attention as slow as NTK-Attention, causal forward) per d_model, L and phi: inconclusive if a point was timed while the 1-minute load average exceeded {WidthCriteria.C15MaxLoadPerCore} x the cores (an oversubscribed machine); not supported if at some measured width m* > {WidthCriteria.C15RefutedCrossover} for every map at every L; inconclusive if d_model 2048 or 4096 was not measured, or a censored m* cannot be placed against {WidthCriteria.C15SupportedCrossover}; supported if m* <= {WidthCriteria.C15SupportedCrossover} for elu1 and prf at every measured width and L; supported with caveat otherwise (e.g. only taylor:2 above).");

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<WidthBenchResult>(Config);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{Config}' sweep: {inputs.Command(Config)}");
        }

        return Decide(new C15Evidence([.. records.Select(r => r.Result)], [2048, 4096])) with { Commands = [inputs.Command(Config)] };
    }

    /// <summary>The crossovers of one point.</summary>
    /// <param name="p">One width and length.</param>
    public static IReadOnlyList<C15Crossover> Crossovers(WidthBenchResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var grid = p.Prefix.OrderBy(x => x.PrefixLength).ToList();
        var list = new List<C15Crossover>();
        foreach (var n in p.Ntk)
        {
            double low, high;
            int first = grid.FindIndex(x => x.SecondsMedian >= n.SecondsMedian);
            if (grid.Count == 0)
            {
                (low, high) = (0, double.PositiveInfinity);
            }
            else if (first < 0)
            {
                (low, high) = (grid[^1].PrefixLength, double.PositiveInfinity);
            }
            else if (first == 0)
            {
                (low, high) = (0, grid[0].PrefixLength);
            }
            else
            {
                var (a, b) = (grid[first - 1], grid[first]);
                double t = (Math.Log(n.SecondsMedian) - Math.Log(a.SecondsMedian)) / (Math.Log(b.SecondsMedian) - Math.Log(a.SecondsMedian));
                double m = Math.Exp(Math.Log(a.PrefixLength) + (t * (Math.Log(b.PrefixLength) - Math.Log(a.PrefixLength))));
                (low, high) = (m, m);
            }

            list.Add(new C15Crossover(p.DModel, p.Length, n.Feature, n.R, low, high, n.SecondsMedian, n.PeakExtraMiB));
        }

        return list;
    }

    /// <summary>The verdict from the timings.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C15Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var all = e.Points.SelectMany(Crossovers).ToList();
        static bool Judged(C15Crossover c) => c.Feature == "elu1" || c.Feature.StartsWith("prf", StringComparison.Ordinal);
        var numbers = all.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"d_model {c.DModel}, L = {c.Length}, {c.Feature} (r = {c.R}): m* {c.Text}; NTK forward {c.NtkSeconds * 1000:0.#} ms, peak +{c.NtkPeakMiB:0} MiB")).ToList();
        numbers.AddRange(e.Points.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"d_model {p.DModel} ({p.Heads} x {p.HeadDim}), L = {p.Length}, causal {p.Causal}: prefix forward {string.Join(", ", p.Prefix.Select(x => $"m {x.PrefixLength}: {x.SecondsMedian * 1000:0.#} ms / +{x.PeakExtraMiB:0} MiB"))}; load {p.LoadAverageBefore} -> {p.LoadAverageAfter}")));
        var missing = e.RequiredWidths.Where(w => e.Points.All(p => p.DModel != w)).ToList();
        var refutedWidths = all.GroupBy(c => c.DModel).Where(g => g.All(c => c.Low > WidthCriteria.C15RefutedCrossover)).Select(g => g.Key).ToList();
        var judged = all.Where(Judged).ToList();
        var undecidable = judged.Where(c => c.Low <= WidthCriteria.C15SupportedCrossover && c.High > WidthCriteria.C15SupportedCrossover).ToList();
        var against = judged.Where(c => c.Low > WidthCriteria.C15SupportedCrossover).Select(c => $"d_model {c.DModel}, L = {c.Length}, {c.Feature}: m* {c.Text} > {WidthCriteria.C15SupportedCrossover}").ToList();
        string headline = judged.Count == 0 ? "no elu1 / prf crossovers" : $"m* elu1/prf: {string.Join(", ", judged.Select(c => $"{c.Feature}@{c.DModel}/L{c.Length} {c.Text}"))}";
        var loaded = e.Points.Where(p => p.Cores > 0 && p.PeakLoad > WidthCriteria.C15MaxLoadPerCore * p.Cores).ToList();
        Verdict verdict;
        string? decider = null;
        if (loaded.Count > 0)
        {
            verdict = Verdict.Inconclusive;
            decider = string.Create(CultureInfo.InvariantCulture, $"timings on a quiet machine: {string.Join(", ", loaded.Select(p => $"d_model {p.DModel}, L = {p.Length} ran at load {p.PeakLoad:0.#} on {p.Cores} cores"))}");
        }
        else if (refutedWidths.Count > 0)
        {
            verdict = Verdict.NotSupported;
        }
        else if (missing.Count > 0 || judged.Count == 0 || undecidable.Count > 0)
        {
            verdict = Verdict.Inconclusive;
            decider = missing.Count > 0
                ? $"timings at d_model {string.Join(", ", missing)} (full profile '{Config}')"
                : $"a finer or longer m grid: m* of {string.Join(", ", undecidable.Select(c => $"{c.Feature} at d_model {c.DModel}, L = {c.Length} ({c.Text})"))} cannot be placed against {WidthCriteria.C15SupportedCrossover}";
        }
        else
        {
            verdict = judged.All(c => c.High <= WidthCriteria.C15SupportedCrossover) ? Verdict.Supported : Verdict.SupportedWithCaveat;
        }

        return new ClaimResult(verdict, headline, numbers, Rule, decider, against, [Figure(all)], Table(all));
    }

    private static ClaimFigure Figure(IReadOnlyList<C15Crossover> all)
    {
        var series = all.GroupBy(c => (c.DModel, c.Length)).Select((g, i) => new FigureSeries(
            $"d_model {g.Key.DModel}, L = {g.Key.Length}",
            [.. g.Select(c => (double)c.R)],
            [.. g.Select(c => double.IsPositiveInfinity(c.High) ? c.Low : Math.Max(c.High, 1))],
            SeriesStyle.LineWithMarkers,
            ColorIndex: i)).ToList();
        var spec = new FigureSpec("fig_c15_crossover", "Crossover m* against r", "r (feature dimension)", "m* (prefix = NTK time)", AxisScale.Log10, AxisScale.Log2, series,
            [new ReferenceLine("m = 200", WidthCriteria.C15SupportedCrossover), new ReferenceLine("m = 1000", WidthCriteria.C15RefutedCrossover)], LegendOutside: true);
        return new ClaimFigure(spec, "m* per feature map (elu1 r = d_h, prf r = 256, taylor:2 r = 8385); a censored m* is drawn at its grid bound (see the table).");
    }

    private static string Table(IReadOnlyList<C15Crossover> all)
    {
        var sb = new StringBuilder("| d_model | L | phi | r | m* | NTK ms | NTK peak MiB |\n|---:|---:|---|---:|---:|---:|---:|\n");
        foreach (var c in all)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {c.DModel} | {c.Length} | {c.Feature} | {c.R} | {c.Text} | {c.NtkSeconds * 1000:0.#} | {c.NtkPeakMiB:0} |"));
        }

        return sb.ToString();
    }
}
