using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Experiments.WidthExperiments;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Width;

/// <summary>One variant's latency ratio over the base at one batch size.</summary>
/// <param name="Batch">Batch size.</param>
/// <param name="Variant">Variant name.</param>
/// <param name="MedianSeconds">Median forward seconds.</param>
/// <param name="Throughput">Sentences per second at the median.</param>
/// <param name="Ratio">Median of the per-round ratios variant / base, with a 95% bootstrap CI over rounds.</param>
public sealed record C16Ratio(int Batch, string Variant, double MedianSeconds, double Throughput, ConfidenceInterval Ratio);

/// <summary>The evidence of C16: the inference sweep's points and the batch sizes the rule needs.</summary>
/// <param name="Points">One result per batch size.</param>
/// <param name="RequiredBatches">Batch sizes the rule needs (1 and 32).</param>
public sealed record C16Evidence(IReadOnlyList<InferenceResult> Points, IReadOnlyList<int> RequiredBatches);

/// <summary>C16: NTK-Attention's inference overhead is acceptable next to LoRA (a merged LoRA costs what the base costs).</summary>
public sealed class C16InferenceOverhead : IClaim
{
    /// <summary>The config this claim reads.</summary>
    public const string Config = "inference";

    /// <inheritdoc />
    public string Id => "C16";

    /// <inheritdoc />
    public string Statement => "NTK-Attention's inference overhead is acceptable next to LoRA";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [Config];

    /// <summary>The rule in words.</summary>
    public static string Rule =>
        FormattableString.Invariant($"per batch size (1 and 32) and NTK-Attention variant, the median of the per-round latency ratios NTK / base (base = frozen encoder = merged LoRA) with a 95% bootstrap CI over the interleaved rounds: ")
        + FormattableString.Invariant($"not supported if some variant's CI lies above 1 + {WidthCriteria.C16RefutedOverhead:0.##}; inconclusive if some CI straddles 1 + {WidthCriteria.C16SupportedOverhead:0.##} or 1 + {WidthCriteria.C16RefutedOverhead:0.##} (timing noise), or a batch size is missing; ")
        + FormattableString.Invariant($"supported if every CI lies at or below 1 + {WidthCriteria.C16SupportedOverhead:0.##}; supported with caveat otherwise.");

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<InferenceResult>(Config);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{Config}' sweep: {inputs.Command(Config)}");
        }

        var result = Decide(new C16Evidence([.. records.Select(r => r.Result)], [1, 32]));
        return result with { Commands = [inputs.Command(Config)] };
    }

    /// <summary>The ratios of every NTK-Attention and P-Tuning v2 variant over the base.</summary>
    /// <param name="point">One batch size's timings.</param>
    public static IReadOnlyList<C16Ratio> Ratios(InferenceResult point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var baseline = point.Variants.First(v => v.Name == "base");
        var list = new List<C16Ratio>();
        foreach (var v in point.Variants)
        {
            int n = Math.Min(v.Seconds.Count, baseline.Seconds.Count);
            // One group: the paired per-round ratios, resampled with replacement.
            IReadOnlyList<double> rounds = [.. Enumerable.Range(0, n).Select(i => v.Seconds[i] / baseline.Seconds[i])];
            var ci = BootstrapCi.OverGroups([rounds], g => Median(g[0]));
            double median = Median(v.Seconds);
            list.Add(new C16Ratio(point.Batch, v.Name, median, point.Batch / median, ci));
        }

        return list;
    }

    /// <summary>The verdict from the timings.</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C16Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var ratios = e.Points.SelectMany(Ratios).ToList();
        var ntk = ratios.Where(r => r.Variant.StartsWith("ntk", StringComparison.Ordinal)).ToList();
        double low = 1 + WidthCriteria.C16SupportedOverhead, high = 1 + WidthCriteria.C16RefutedOverhead;
        var numbers = ratios.Where(r => r.Variant != "base").Select(r => string.Create(CultureInfo.InvariantCulture,
            $"batch {r.Batch}, {r.Variant}: latency x{r.Ratio} of base, median {r.MedianSeconds * 1000:0.##} ms, {r.Throughput:0.#} sentences/s")).ToList();
        numbers.AddRange(e.Points.Select(p => $"batch {p.Batch}: {p.Variants[0].Seconds.Count} interleaved rounds after {p.Warmup} warm-up forwards, {p.TorchThreads} torch threads, load average {p.LoadAverageBefore} -> {p.LoadAverageAfter}"));
        var against = ntk.Where(r => r.Ratio.Estimate > low).Select(r => string.Create(CultureInfo.InvariantCulture, $"batch {r.Batch}, {r.Variant}: +{(r.Ratio.Estimate - 1) * 100:0}% over base")).ToList();
        var missing = e.RequiredBatches.Where(b => e.Points.All(p => p.Batch != b)).ToList();
        var straddle = ntk.Where(r => (r.Ratio.Low <= low && r.Ratio.High > low) || (r.Ratio.Low <= high && r.Ratio.High > high)).ToList();
        string headline = ntk.Count == 0 ? "no NTK timings" : string.Create(CultureInfo.InvariantCulture, $"worst NTK overhead +{(ntk.Max(r => r.Ratio.Estimate) - 1) * 100:0}% ({ntk.MaxBy(r => r.Ratio.Estimate)!.Variant}, batch {ntk.MaxBy(r => r.Ratio.Estimate)!.Batch})");
        Verdict verdict;
        string? decider = null;
        if (ntk.Any(r => r.Ratio.Low > high))
        {
            verdict = Verdict.NotSupported;
        }
        else if (ntk.Count == 0 || missing.Count > 0 || straddle.Count > 0)
        {
            verdict = Verdict.Inconclusive;
            decider = missing.Count > 0 || ntk.Count == 0
                ? $"timings at batch {string.Join(", ", missing)} ('{Config}' sweep)"
                : $"more interleaved rounds (or a quieter machine): the ratio CI of {string.Join(", ", straddle.Select(r => $"{r.Variant} at batch {r.Batch} ({r.Ratio})"))} straddles a threshold";
        }
        else
        {
            verdict = ntk.All(r => r.Ratio.High <= low) ? Verdict.Supported : Verdict.SupportedWithCaveat;
        }

        return new ClaimResult(verdict, headline, numbers, Rule, decider, against, [Figure(ratios)], Table(ratios));
    }

    private static ClaimFigure Figure(IReadOnlyList<C16Ratio> ratios)
    {
        var names = ratios.Select(r => r.Variant).Distinct().ToList();
        var series = ratios.GroupBy(r => r.Batch).Select((g, i) => new FigureSeries(
            $"batch {g.Key}",
            [.. g.Select(r => (double)names.IndexOf(r.Variant))],
            [.. g.Select(r => r.Ratio.Estimate)],
            SeriesStyle.Markers,
            [.. g.Select(r => r.Ratio.Estimate - r.Ratio.Low)],
            [.. g.Select(r => r.Ratio.High - r.Ratio.Estimate)],
            i)).ToList();
        var spec = new FigureSpec("fig_c16_overhead", "Forward latency over the base (merged LoRA)", "variant: " + string.Join(", ", names.Select((n, i) => $"{i} {n}")), "latency / base", AxisScale.Linear, AxisScale.Linear, series,
            [new ReferenceLine("+10%", 1 + WidthCriteria.C16SupportedOverhead), new ReferenceLine("+50%", 1 + WidthCriteria.C16RefutedOverhead)], LegendOutside: true);
        return new ClaimFigure(spec, "median per-round latency ratio with 95% bootstrap CI over interleaved rounds.");
    }

    private static string Table(IReadOnlyList<C16Ratio> ratios)
    {
        var sb = new StringBuilder("| batch | variant | median ms | sentences/s | latency / base [95% CI] |\n|---:|---|---:|---:|---|\n");
        foreach (var r in ratios)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Batch} | {r.Variant} | {r.MedianSeconds * 1000:0.##} | {r.Throughput:0.#} | {r.Ratio} |"));
        }

        return sb.ToString();
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(x => x).ToList();
        return BootstrapCi.Quantile(sorted, 0.5);
    }
}
