using System.Globalization;
using NtkProofs.Experiments.AttentionExperiments;
using NtkProofs.Experiments.Benchmarks;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Attention;

/// <summary>One measured curve of the cost benchmark: a quantity against the prefix length m.</summary>
/// <param name="Impl">Implementation (ntk, prefix_streamed).</param>
/// <param name="Feature">Feature map (empty for prefix attention).</param>
/// <param name="Length">Input length L.</param>
/// <param name="M">Prefix lengths.</param>
/// <param name="Values">Forward seconds (minimum over repetitions) or peak extra MiB, one per m.</param>
public sealed record CostSeries(string Impl, string Feature, int Length, IReadOnlyList<double> M, IReadOnlyList<double> Values);

/// <summary>The crossover of one feature map: where NTK-Attention becomes cheaper than streamed prefix attention.</summary>
/// <param name="Feature">Feature map.</param>
/// <param name="Length">Input length L.</param>
/// <param name="MStar">Interpolated m*, or null if not reached on the grid.</param>
public sealed record CostCrossover(string Feature, int Length, double? MStar);

/// <summary>The evidence of C7.</summary>
/// <param name="Time">Forward time series (NTK and streamed prefix attention, no mask).</param>
/// <param name="NtkMemory">NTK peak extra memory series on the upper half of the m grid.</param>
/// <param name="Crossovers">Forward-pass crossovers, one per feature map and L.</param>
/// <param name="GridMax">The largest m of the grid.</param>
public sealed record C7Evidence(IReadOnlyList<CostSeries> Time, IReadOnlyList<CostSeries> NtkMemory, IReadOnlyList<CostCrossover> Crossovers, double GridMax);

/// <summary>C7: NTK-Attention's cost is independent of the prefix length m, with memory O(r d + r).</summary>
public sealed class C7Cost : IClaim
{
    /// <summary>The rule, in words.</summary>
    public static readonly string Rule = string.Create(CultureInfo.InvariantCulture,
        $"NTK-Attention never reads the prefix at run time, so flat time and memory are expected by construction and guard the implementation; the informative number is the crossover m*. Supported if NTK forward time (whole m grid) and peak extra memory (upper half of the grid) have fitted log-log slopes in m <= {AttentionCriteria.CostFlatSlopeMax} (memory also counts as flat when it rises by at most {AttentionCriteria.MemoryResolutionMiB:F0} MiB over that half: the RSS probe's noise) and every feature map is cheaper than streamed prefix attention by m* <= {AttentionCriteria.PracticalPrefixLength}; with caveat if flat but some m* is above that (or not reached) while some map reaches m* <= {AttentionCriteria.CrossoverMax}; not supported if a time or memory slope exceeds {AttentionCriteria.CostFlatSlopeMax} or m* > {AttentionCriteria.CrossoverMax} for every map; inconclusive with fewer than {AttentionCriteria.CostMinMPoints} m points, no memory data, or no map reaching m* on a grid that stops below {AttentionCriteria.CrossoverMax}");

    /// <inheritdoc />
    public string Id => "C7";

    /// <inheritdoc />
    public string Statement => "NTK-Attention cost is independent of m; memory O(r d + r)";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs { get; } = [AttentionCriteria.BenchConfig];

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var results = inputs.Results<AttentionBenchResult>(AttentionCriteria.BenchConfig);
        if (results is null || results.Count == 0)
        {
            return ClaimResult.NotRun(Rule, $"the '{AttentionCriteria.BenchConfig}' sweep must run");
        }

        var r = results[0].Result;
        return Decide(Gather(r.Rows, r.Summary)) with { Commands = [inputs.Command(AttentionCriteria.BenchConfig)] };
    }

    /// <summary>The evidence from the benchmark's rows and summary.</summary>
    /// <param name="rows">Timed cases.</param>
    /// <param name="summary">The benchmark's summary (crossovers).</param>
    public static C7Evidence Gather(IReadOnlyList<AttentionBenchmarkRow> rows, AttentionBenchmarkSummary summary)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(summary);
        var forward = rows.Where(r => r.Side == "csharp" && r.Pass == "forward" && !r.Causal && r.PrefixLength > 0 && (r.Impl == "ntk" || r.Impl == "prefix_streamed")).ToList();
        var time = forward.GroupBy(r => (r.Impl, Feature: r.Impl == "ntk" ? r.Feature : string.Empty, r.Length))
            .OrderBy(g => g.Key.Impl, StringComparer.Ordinal).ThenBy(g => g.Key.Feature, StringComparer.Ordinal).ThenBy(g => g.Key.Length)
            .Select(g => g.OrderBy(r => r.PrefixLength).ToList())
            .Select(g => new CostSeries(g[0].Impl, g[0].Impl == "ntk" ? g[0].Feature : string.Empty, g[0].Length, g.Select(r => (double)r.PrefixLength).ToList(), g.Select(r => r.SecondsMin).ToList()))
            .ToList();
        var grid = rows.Where(r => r.PrefixLength > 0).Select(r => (double)r.PrefixLength).Distinct().Order().ToList();
        double median = grid.Count == 0 ? 0 : BootstrapCi.Quantile(grid, 0.5);
        var memory = forward.Where(r => r.Impl == "ntk" && r.PrefixLength >= median && r.PeakExtraMiB is > 0)
            .GroupBy(r => (r.Feature, r.Length)).OrderBy(g => g.Key.Feature, StringComparer.Ordinal).ThenBy(g => g.Key.Length)
            .Select(g => g.OrderBy(r => r.PrefixLength).ToList())
            .Select(g => new CostSeries("ntk", g[0].Feature, g[0].Length, g.Select(r => (double)r.PrefixLength).ToList(), g.Select(r => r.PeakExtraMiB!.Value).ToList()))
            .ToList();
        var crossovers = summary.Crossovers.Where(c => c.Pass == "forward")
            .Select(c => new CostCrossover(c.Feature, c.Length, c.GridPoint > 0 && double.IsFinite(c.Interpolated) ? c.Interpolated : null)).ToList();
        return new C7Evidence(time, memory, crossovers, grid.Count == 0 ? 0 : grid[^1]);
    }

    /// <summary>The rule: from the evidence to the verdict, its numbers and figure.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C7Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var ntkTime = e.Time.Where(s => s.Impl == "ntk").ToList();
        var fitted = e.Time.Where(s => s.M.Count >= 2).Select(s => (Series: s, Fit: LogLogFit.Fit(s.M, s.Values))).ToList();
        var memoryFits = e.NtkMemory.Where(s => s.M.Count >= 2).Select(s => (Series: s, Fit: LogLogFit.Fit(s.M, s.Values))).ToList();
        var numbers = new List<string>();
        numbers.AddRange(fitted.Select(x => F($"{Label(x.Series)} forward time slope in m {x.Fit.Slope:F2} over m = {x.Series.M[0]:F0}..{x.Series.M[^1]:F0} ({x.Series.M.Count} points)")));
        numbers.AddRange(memoryFits.Select(x => F($"{Label(x.Series)} peak-memory slope in m {x.Fit.Slope:F2} over m = {x.Series.M[0]:F0}..{x.Series.M[^1]:F0}, range {x.Series.Values.Min():F1}..{x.Series.Values.Max():F1} MiB")));
        numbers.AddRange(e.Crossovers.Select(c => c.MStar is { } s ? F($"m* ({c.Feature}, L = {c.Length}) = {s:F0}") : F($"m* ({c.Feature}, L = {c.Length}) not reached up to m = {e.GridMax:F0}")));
        var figures = e.Time.Count == 0 ? [] : new List<ClaimFigure> { Figure(e) };

        var against = new List<string>();
        var steepTime = fitted.Where(x => x.Series.Impl == "ntk" && x.Fit.Slope > AttentionCriteria.CostFlatSlopeMax).ToList();
        var steepMemory = memoryFits.Where(x => x.Fit.Slope > AttentionCriteria.CostFlatSlopeMax && x.Series.Values.Max() - x.Series.Values.Min() > AttentionCriteria.MemoryResolutionMiB).ToList();
        against.AddRange(steepTime.Select(x => F($"{Label(x.Series)} forward time grows with m: slope {x.Fit.Slope:F2} > {AttentionCriteria.CostFlatSlopeMax}")));
        against.AddRange(steepMemory.Select(x => F($"{Label(x.Series)} peak memory grows with m: slope {x.Fit.Slope:F2} > {AttentionCriteria.CostFlatSlopeMax} and a rise of {x.Series.Values.Max() - x.Series.Values.Min():F0} > {AttentionCriteria.MemoryResolutionMiB:F0} MiB")));
        bool Beyond(CostCrossover c) => c.MStar is { } s ? s > AttentionCriteria.CrossoverMax : e.GridMax >= AttentionCriteria.CrossoverMax;
        bool allBeyond = e.Crossovers.Count > 0 && e.Crossovers.All(Beyond);
        if (allBeyond)
        {
            against.Add(F($"every feature map's crossover m* is above {AttentionCriteria.CrossoverMax} (or not reached up to m = {e.GridMax:F0})"));
        }

        if (steepTime.Count > 0 || steepMemory.Count > 0 || allBeyond)
        {
            string headline = steepTime.Count > 0 ? F($"NTK time slope in m {steepTime.Max(x => x.Fit.Slope):F2} > {AttentionCriteria.CostFlatSlopeMax}")
                : steepMemory.Count > 0 ? F($"NTK memory slope in m {steepMemory.Max(x => x.Fit.Slope):F2} > {AttentionCriteria.CostFlatSlopeMax}")
                : F($"m* > {AttentionCriteria.CrossoverMax} for every map");
            return new ClaimResult(Verdict.NotSupported, headline, numbers, Rule, Against: against, Figures: figures);
        }

        int fewest = ntkTime.Count == 0 ? 0 : ntkTime.Min(s => s.M.Count);
        if (fewest < AttentionCriteria.CostMinMPoints)
        {
            return new ClaimResult(Verdict.Inconclusive, F($"{fewest} m points in an NTK time series (< {AttentionCriteria.CostMinMPoints})"), numbers, Rule,
                F($"needs at least {AttentionCriteria.CostMinMPoints} prefix lengths per NTK series: widen from/to or lower step in the bench sweep"), against, figures);
        }

        if (memoryFits.Count == 0)
        {
            return new ClaimResult(Verdict.Inconclusive, "no peak-memory measurements", numbers, Rule,
                "needs peak extra memory at >= 2 prefix lengths in the upper half of the m grid (the benchmark's memory probe must run)", against, figures);
        }

        double worstSlope = fitted.Where(x => x.Series.Impl == "ntk").Max(x => x.Fit.Slope);
        var reached = e.Crossovers.Where(c => c.MStar is not null).ToList();
        if (!e.Crossovers.Any(c => c.MStar is { } s && s <= AttentionCriteria.CrossoverMax))
        {
            return new ClaimResult(Verdict.Inconclusive, F($"flat (slope <= {worstSlope:F2}) but no m* on a grid up to m = {e.GridMax:F0}"), numbers, Rule,
                F($"needs the m grid to reach {AttentionCriteria.CrossoverMax} (or a crossover): raise 'to' in the bench sweep"), against, figures);
        }

        string mStars = string.Join(", ", e.Crossovers.Select(c => c.MStar is { } s ? F($"{s:F0}") : "not reached"));
        if (e.Crossovers.All(c => c.MStar is { } s && s <= AttentionCriteria.PracticalPrefixLength))
        {
            return new ClaimResult(Verdict.Supported, F($"NTK time slope <= {worstSlope:F2}; m* {mStars}"), numbers, Rule, Against: against, Figures: figures);
        }

        against.AddRange(e.Crossovers.Where(c => c.MStar is not { } s || s > AttentionCriteria.PracticalPrefixLength)
            .Select(c => F($"{c.Feature}, L = {c.Length}: m* {(c.MStar is { } s ? s.ToString("F0", CultureInfo.InvariantCulture) : "not reached")} above practical prefix lengths ({AttentionCriteria.PracticalPrefixLength})")));
        return new ClaimResult(Verdict.SupportedWithCaveat, F($"flat (slope <= {worstSlope:F2}) but m* {mStars} > {AttentionCriteria.PracticalPrefixLength}"), numbers, Rule, Against: against, Figures: figures);
    }

    private static string Label(CostSeries s) => F($"{s.Impl}{(s.Feature.Length > 0 ? " " + s.Feature : string.Empty)}, L = {s.Length}");

    private static ClaimFigure Figure(C7Evidence e)
    {
        var series = e.Time.Select((s, i) => new FigureSeries(Label(s), s.M, s.Values.Select(v => v * 1e3).ToList(), ColorIndex: i)).ToList();
        var references = e.Crossovers.Where(c => c.MStar is not null).Select(c => new ReferenceLine(F($"m* {c.Feature}, L = {c.Length}"), c.MStar!.Value, Vertical: true)).ToList();
        return new ClaimFigure(
            new FigureSpec("fig_c7_time", "C7: forward time of streamed prefix attention and NTK-Attention", "prefix length m", "forward time (ms), float32, batch 1", AxisScale.Log2, AxisScale.Log10, series, references, Width: 1000),
            "Minimum over repetitions, CPU; dotted: interpolated crossovers m*.");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
