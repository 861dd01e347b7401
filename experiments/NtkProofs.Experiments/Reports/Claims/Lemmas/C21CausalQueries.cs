using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>C21's numbers at one m of one setting.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="MeanGap">Mean ||H(0) - H*|| / ||H*|| over replicates.</param>
/// <param name="GapSd">Its standard deviation over replicates (the prefix draw).</param>
/// <param name="MeanFluctuation">Mean split-half fluctuation part of the gap.</param>
/// <param name="Replicates">Replicates at this m.</param>
/// <param name="InputShare">Mean attention weight on the input tokens.</param>
public sealed record C21Point(int PrefixLength, double MeanGap, double GapSd, double MeanFluctuation, int Replicates, double InputShare);

/// <summary>C21's numbers for one setting (value path, L, mask).</summary>
/// <param name="Label">Setting label.</param>
/// <param name="Mask">Input tokens seen by a query (none: Part A's model, shown only).</param>
/// <param name="QueryLength">L.</param>
/// <param name="DriftShouldVanish">Whether L2's vanishing drift applies (not on the tied path, as in Part A).</param>
/// <param name="Points">Per-m numbers, ascending m (all m run).</param>
/// <param name="FitStart">Smallest m of the fits.</param>
/// <param name="Replicates">Replicates per m (the smallest count).</param>
/// <param name="TrainedReplicates">Trained replicates per m (the smallest count).</param>
/// <param name="FluctuationSlope">Log-log slope of the mean fluctuation part against m (fit window), 95% bootstrap CI over replicates.</param>
/// <param name="SpreadSlope">Log-log slope of the replicate standard deviation of the gap against m (fit window), bootstrap CI; shown only.</param>
/// <param name="GapSlope">Log-log slope of the mean gap (fit window), bootstrap CI; steeper than -1/2 is expected (the O(L/m) bias).</param>
/// <param name="Fit">e(m) = A m^-1/2 + B m^-1 over the fit window, or null.</param>
/// <param name="DriftSlope">Log-log slope of the mean sup_t relative kernel drift against m (trained runs), bootstrap CI.</param>
/// <param name="Steps">T of the trained runs.</param>
/// <param name="RunsAtLargest">Trained runs at the largest m.</param>
/// <param name="ConvergedAtLargest">Of those, runs whose loss reached 1e-6 of its start within T.</param>
/// <param name="SlowestContraction">The largest measured per-step contraction (R_T / R_0)^(1/T) at the largest m.</param>
/// <param name="PredictedContraction">The envelope factor 1 - eta lambda*/2 at the largest m (largest over runs).</param>
/// <param name="WorstEnvelopeRatio">max over runs at the largest m and steps t &gt;= 1 of R_t / envelope_t (L3 holds if &lt;= 1).</param>
public sealed record C21Setting(
    string Label,
    QueryMask Mask,
    int QueryLength,
    bool DriftShouldVanish,
    IReadOnlyList<C21Point> Points,
    int FitStart,
    int Replicates,
    int TrainedReplicates,
    ConfidenceInterval FluctuationSlope,
    ConfidenceInterval SpreadSlope,
    ConfidenceInterval GapSlope,
    TwoTermFit? Fit,
    ConfidenceInterval DriftSlope,
    int Steps,
    int RunsAtLargest,
    int ConvergedAtLargest,
    double SlowestContraction,
    double PredictedContraction,
    double WorstEnvelopeRatio)
{
    /// <summary>Whether the setting decides C21 (input tokens present); mask none is Part A's model, shown for reference.</summary>
    public bool Deciding => Mask != QueryMask.None;

    /// <summary>The prefix lengths in the fit window.</summary>
    public IReadOnlyList<int> WindowLengths => Points.Select(p => p.PrefixLength).Where(m => m >= FitStart).ToList();

    /// <summary>The T the slowest run at the largest m would need to reach 1e-6 at its measured contraction.</summary>
    public double StepsNeeded => SlowestContraction < 1 ? Math.Log(CausalCriteria.ConvergenceTarget) / Math.Log(SlowestContraction) : double.PositiveInfinity;
}

/// <summary>C21's evidence.</summary>
/// <param name="Settings">Every setting of the causal sweep.</param>
public sealed record C21Evidence(IReadOnlyList<C21Setting> Settings);

/// <summary>C21: the NTK lemmas carry over to L &gt; 1 causal queries (THEORY.md A.2).</summary>
public sealed class C21CausalQueries : IClaim
{
    /// <summary>Config name of the causal-lemmas sweep.</summary>
    public const string Config = "causal";

    /// <summary>The rule, in words.</summary>
    public const string Rule =
        "per setting (value path, L, mask causal or full; mask none = Part A's model, shown only), over m >= 2^6 (THEORY.md A.2): " +
        "L1 fluctuation = the log-log slope of the split-half fluctuation part of ||H(0) - H*|| / ||H*|| (bias-free; the O(L/m) input-token bias is reported as B of e(m) = A m^-1/2 + B m^-1), in band [-0.65, -0.35]; " +
        "L2 = the slope of the mean sup_t kernel drift <= -0.3 (not applied on the tied path, as in Part A); L3 = every run at the largest m reaches 1e-6 of its starting loss within T, and no run exceeds the envelope (1 - eta lambda*/2)^t. " +
        "Not supported if some setting clearly fails: a fluctuation-slope 95% CI wholly outside the band, a drift-slope CI wholly above -0.3, or the loss above the envelope; " +
        "supported if L1, L2 and L3 hold for every L in {1, 4, 16} under both masks; " +
        "inconclusive otherwise (sweep too small: < 4 replicates, < 2 trained, < 3 m or < 64x range in the window; an L or mask missing; a point estimate outside its criterion with the CI reaching it; runs not at 1e-6 within T), saying what would decide";

    private static readonly string[] IgnoredKeys = ["m", "replicate", "steps"];

    /// <inheritdoc />
    public string Id => "C21";

    /// <inheritdoc />
    public string Statement => "the NTK lemmas carry over to L > 1 causal queries";

    /// <inheritdoc />
    public IReadOnlyList<string> Configs => [Config];

    /// <summary>Builds C21's evidence from the causal-lemmas records.</summary>
    /// <param name="records">Typed records.</param>
    public static C21Evidence Gather(IReadOnlyList<TypedRecord<CausalLemmaRecord>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var settings = records.GroupBy(r => SettingKey(r.Point)).Select(g =>
        {
            var p = g.First().Point;
            var runs = g.Select(r => r.Result).ToList();
            var path = LemmaParameters.PathFromName(p.Text("path"));
            int fitStart = LemmaCriteria.ConcentrationFitStart(p.Real("sigma"));
            var byM = runs.GroupBy(r => r.PrefixLength).OrderBy(x => x.Key).ToList();
            var points = byM.Select(x => new C21Point(x.Key, x.Average(r => r.RelativeGap), Summary.Of(x.Select(r => r.RelativeGap)).StandardDeviation,
                x.Average(r => r.FluctuationGap), x.Count(), x.Average(r => r.InputShare))).ToList();
            var window = byM.Where(x => x.Key >= fitStart).ToList();
            var fluct = LemmaSweeps.Slope(runs.Where(r => double.IsFinite(r.FluctuationGap)).Select(r => (r.PrefixLength, r.FluctuationGap)), fitStart);
            var gap = LemmaSweeps.Slope(runs.Select(r => (r.PrefixLength, r.RelativeGap)), fitStart);
            var spread = window.Count >= 2 && window.All(x => x.Count() >= 2)
                ? BootstrapCi.OverGroups(window.Select(x => (IReadOnlyList<double>)x.Select(r => r.RelativeGap).ToList()).ToList(),
                    gs => LogLogFit.Fit(window.Select(x => (double)x.Key).ToList(), gs.Select(v => Math.Max(Summary.Of(v).StandardDeviation, 1e-300)).ToList()).Slope)
                : new ConfidenceInterval(double.NaN, double.NaN, double.NaN, 0.95);
            TwoTermFit? fit = window.Count >= 2
                ? TwoTermFit.Of(window.Select(x => (double)x.Key).ToList(), window.Select(x => (IReadOnlyList<double>)x.Select(r => r.RelativeGap).ToList()).ToList())
                : null;
            var trained = runs.Where(r => r.Steps > 0).ToList();
            var drift = LemmaSweeps.Slope(trained.Select(r => (r.PrefixLength, r.MaxKernelDrift)));
            int largest = trained.Count > 0 ? trained.Max(r => r.PrefixLength) : 0;
            var late = trained.Where(r => r.PrefixLength == largest).ToList();
            return new C21Setting(
                Label(p), CausalLemmasExperiment.MaskFromName(p.Text("mask")), checked((int)p.Int("query_length")), LemmaCriteria.DriftShouldVanish(path), points, fitStart,
                byM.Min(x => x.Count()), trained.Count == 0 ? 0 : trained.GroupBy(r => r.PrefixLength).Min(x => x.Count()),
                fluct, spread, gap, fit, drift, late.Count == 0 ? 0 : late.Max(r => r.Steps), late.Count, late.Count(r => r.StepsToConvergence is not null),
                late.Count == 0 ? double.NaN : late.Max(r => r.MeasuredContraction), late.Count == 0 ? double.NaN : late.Max(r => r.PredictedContraction),
                late.Count == 0 ? double.NaN : late.Max(r => r.WorstEnvelopeRatio));
        }).OrderBy(s => s.Label.Split(' ')[0], StringComparer.Ordinal).ThenBy(s => s.Mask).ThenBy(s => s.QueryLength).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
        return new C21Evidence(settings);
    }

    /// <summary>The verdict from C21's evidence (pure).</summary>
    /// <param name="e">The evidence.</param>
    public static ClaimResult Decide(C21Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var deciding = e.Settings.Where(s => s.Deciding).ToList();
        if (deciding.Count == 0)
        {
            return ClaimResult.NotRun(Rule, "no setting with input tokens (mask causal or full) in the causal sweep: run the causal config");
        }

        var numbers = e.Settings.Select(Describe).ToList();
        numbers.Add("B against L (input-token bias of e(m) = A m^-1/2 + B m^-1): " + string.Join("; ", deciding.Where(s => s.Fit is not null)
            .GroupBy(s => s.Mask).Select(g => g.Key.ToString().ToLowerInvariant() + " " + string.Join(", ", g.OrderBy(s => s.QueryLength).Select(s => F($"L={s.QueryLength}: {s.Fit!.B}"))))));
        numbers.Add("L = 1 with mask causal or full is the query attending over the prefix and itself (one input token), not Part A's model; mask none is Part A's model on the same queries" +
            (e.Settings.Any(s => !s.Deciding) ? " (shown)" : " (not run here: C1-C3 cover it)"));
        var against = new List<string>();
        var fails = new List<string>();
        var undecided = new List<string>();
        foreach (var s in deciding)
        {
            Judge(s, fails, undecided, against);
        }

        foreach (int l in CausalCriteria.QueryLengths)
        {
            foreach (var mask in new[] { QueryMask.Causal, QueryMask.Full })
            {
                if (!deciding.Any(s => s.QueryLength == l && s.Mask == mask))
                {
                    undecided.Add(F($"L = {l}, mask {mask.ToString().ToLowerInvariant()} did not run: run L in {{1, 4, 16}} under both masks"));
                }
            }
        }

        var slopes = deciding.Select(s => s.FluctuationSlope.Estimate).Where(double.IsFinite).ToList();
        string headline = slopes.Count == 0
            ? "no fluctuation slope"
            : F($"fluctuation slopes {slopes.Min():F2}..{slopes.Max():F2}; converged {deciding.Sum(s => s.ConvergedAtLargest)}/{deciding.Sum(s => s.RunsAtLargest)} at the largest m");
        var verdict = fails.Count > 0 ? Verdict.NotSupported : undecided.Count > 0 ? Verdict.Inconclusive : Verdict.Supported;
        return new ClaimResult(verdict, headline, numbers, Rule, verdict == Verdict.Inconclusive ? string.Join("; ", undecided.Distinct().Take(4)) : null, against, null, Table(e));
    }

    /// <inheritdoc />
    public ClaimResult Evaluate(ClaimInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = inputs.Results<CausalLemmaRecord>(Config);
        if (records is null)
        {
            return ClaimResult.NotRun(Rule, $"the '{Config}' sweep did not run in this profile");
        }

        var evidence = Gather(records);
        return Decide(evidence) with
        {
            Figures =
            [
                new ClaimFigure(Figure(evidence), "||H(0) - H*|| / ||H*|| against m per (L, mask), mean over replicates with one standard deviation; dashed: the fit A m^-1/2 + B m^-1; dotted markers: the split-half fluctuation part."),
            ],
            Commands = [inputs.Command(Config)],
        };
    }

    /// <summary>The C21 figure: error against m per L and mask (log-log), the two-term fit, and the fluctuation part.</summary>
    /// <param name="e">The evidence.</param>
    public static FigureSpec Figure(C21Evidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var s in e.Settings)
        {
            var ms = s.Points.Select(p => (double)p.PrefixLength).ToList();
            series.Add(new FigureSeries(F($"{s.Label}: B = {(s.Fit is null ? "n/a" : s.Fit.B.Estimate.ToString("F1", CultureInfo.InvariantCulture))}"), ms, s.Points.Select(p => p.MeanGap).ToList(),
                ErrorLow: s.Points.Select(p => Math.Min(p.GapSd, 0.9 * p.MeanGap)).ToList(), ErrorHigh: s.Points.Select(p => p.GapSd).ToList(), ColorIndex: color));
            if (s.Fit is not null)
            {
                var window = ms.Where(m => m >= s.FitStart).ToList();
                series.Add(new FigureSeries(string.Empty, window, window.Select(s.Fit.Predict).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            }

            var fluct = s.Points.Where(p => double.IsFinite(p.MeanFluctuation) && p.MeanFluctuation > 0).ToList();
            series.Add(new FigureSeries(string.Empty, fluct.Select(p => (double)p.PrefixLength).ToList(), fluct.Select(p => p.MeanFluctuation).ToList(), SeriesStyle.Markers, ColorIndex: color));
            color++;
        }

        return new FigureSpec("fig_c21_causal", "C21: kernel gap at initialization with L query tokens", "prefix length m", "||H(0) - H*||_F / ||H*||_F", AxisScale.Log2, AxisScale.Log10, series, Width: 960);
    }

    private static void Judge(C21Setting s, List<string> fails, List<string> undecided, List<string> against)
    {
        var window = s.WindowLengths;
        bool largeEnough = window.Count >= 3 && window[^1] / window[0] >= CausalCriteria.MinPrefixRange && s.Replicates >= CausalCriteria.MinReplicates;
        if (!largeEnough)
        {
            undecided.Add(F($"{s.Label}: sweep too small for L1 (m = {(window.Count > 0 ? window[0] : 0)}..{(window.Count > 0 ? window[^1] : 0)} in the window, {s.Replicates} replicate(s); needs >= 3 m over a {CausalCriteria.MinPrefixRange}x range from m = {s.FitStart} and >= {CausalCriteria.MinReplicates} replicates): run the quick profile"));
        }

        // L1: the fluctuation part's rate.
        var f = s.FluctuationSlope;
        bool InBand(double v) => v >= CausalCriteria.FluctuationSlopeLow && v <= CausalCriteria.FluctuationSlopeHigh;
        if (!double.IsFinite(f.Estimate))
        {
            undecided.Add(F($"{s.Label}: no fluctuation slope (fewer than 2 m from m = {s.FitStart}): extend the m grid"));
        }
        else if (!InBand(f.Estimate))
        {
            against.Add(F($"{s.Label}: fluctuation slope {f} outside [{CausalCriteria.FluctuationSlopeLow}, {CausalCriteria.FluctuationSlopeHigh}]"));
            if (largeEnough && (f.High < CausalCriteria.FluctuationSlopeLow || f.Low > CausalCriteria.FluctuationSlopeHigh))
            {
                fails.Add(s.Label + ": L1 fluctuation rate");
            }
            else
            {
                undecided.Add(F($"{s.Label}: fluctuation slope CI {f} reaches the band with the point outside: more replicates (>= 2x) or larger m would decide"));
            }
        }

        if (double.IsFinite(s.SpreadSlope.Estimate) && !InBand(s.SpreadSlope.Estimate))
        {
            // Shown only: the spread of a norm over prefix draws need not scale like the fluctuation itself, but said in the row.
            against.Add(F($"{s.Label}: replicate-spread slope {s.SpreadSlope} outside [{CausalCriteria.FluctuationSlopeLow}, {CausalCriteria.FluctuationSlopeHigh}] (shown only; the split-half fluctuation decides)"));
        }

        // L2: the kernel drift vanishes with m.
        bool trainedEnough = s.TrainedReplicates >= CausalCriteria.MinTrainedReplicates && s.RunsAtLargest > 0;
        if (!trainedEnough)
        {
            undecided.Add(F($"{s.Label}: {s.TrainedReplicates} trained replicate(s) per m (needs >= {CausalCriteria.MinTrainedReplicates} with steps > 0)"));
        }
        else if (s.DriftShouldVanish)
        {
            var dr = s.DriftSlope;
            if (!double.IsFinite(dr.Estimate))
            {
                undecided.Add(s.Label + ": no drift slope (trained at one m only): train at every m of the grid");
            }
            else if (dr.Estimate > CausalCriteria.DriftSlopeMax)
            {
                against.Add(F($"{s.Label}: drift slope {dr} above {CausalCriteria.DriftSlopeMax}"));
                if (largeEnough && dr.Low > CausalCriteria.DriftSlopeMax)
                {
                    fails.Add(s.Label + ": L2 drift");
                }
                else
                {
                    undecided.Add(F($"{s.Label}: drift slope CI {dr} reaches {CausalCriteria.DriftSlopeMax}: more trained replicates or larger m would decide"));
                }
            }
        }

        if (!trainedEnough)
        {
            return;
        }

        // L3: linear convergence to 1e-6 of the start, under the envelope.
        if (s.WorstEnvelopeRatio > 1)
        {
            against.Add(F($"{s.Label}: loss above the L3 envelope at m = {s.Points[^1].PrefixLength} (ratio {s.WorstEnvelopeRatio:F2})"));
            fails.Add(s.Label + ": L3 envelope");
        }

        if (s.ConvergedAtLargest < s.RunsAtLargest)
        {
            against.Add(F($"{s.Label}: {s.RunsAtLargest - s.ConvergedAtLargest}/{s.RunsAtLargest} runs at the largest m did not reach 1e-6 within T = {s.Steps}"));
            undecided.Add(double.IsFinite(s.StepsNeeded)
                ? F($"{s.Label} would need T ~ {s.StepsNeeded:F0} at its measured contraction {s.SlowestContraction:F4} (ran T = {s.Steps}): rerun with steps >= {Math.Ceiling(s.StepsNeeded * 1.2):F0}")
                : F($"{s.Label} does not contract (measured {s.SlowestContraction:F4}): a longer run would show whether it stalls"));
        }
    }

    private static string Describe(C21Setting s) =>
        F($"{s.Label}{(s.Deciding ? string.Empty : " (Part A, shown only)")}: fluctuation slope {s.FluctuationSlope} (m >= {s.FitStart}); gap slope {s.GapSlope}; replicate-spread slope {s.SpreadSlope}; ") +
        (s.Fit is null ? "no two-term fit; " : F($"A {s.Fit.A}, B {s.Fit.B}; ")) +
        F($"drift slope {s.DriftSlope}{(s.DriftShouldVanish ? string.Empty : " (tied: not expected to vanish, not applied)")}; ") +
        F($"at m = {(s.Points.Count > 0 ? s.Points[^1].PrefixLength : 0)}: {s.ConvergedAtLargest}/{s.RunsAtLargest} runs reached 1e-6 within T = {s.Steps}, slowest contraction {s.SlowestContraction:F4} vs envelope {s.PredictedContraction:F4}, worst envelope ratio {s.WorstEnvelopeRatio:F2}; input share {(s.Points.Count > 0 ? s.Points[0].InputShare : 0):P1} at m = {(s.Points.Count > 0 ? s.Points[0].PrefixLength : 0)}");

    private static string Table(C21Evidence e)
    {
        var md = new StringBuilder();
        md.AppendLine("Mean ||H(0) - H*|| / ||H*|| (split-half fluctuation part) per m:");
        md.AppendLine();
        var ms = e.Settings.SelectMany(s => s.Points.Select(p => p.PrefixLength)).Distinct().Order().ToList();
        md.AppendLine("| setting | B | " + string.Join(" | ", ms.Select(m => F($"m = {m}"))) + " |");
        md.AppendLine("|---|---|" + string.Concat(ms.Select(_ => "---|")));
        foreach (var s in e.Settings)
        {
            md.AppendLine(F($"| {s.Label} | {(s.Fit is null ? "-" : s.Fit.B.Estimate.ToString("F1", CultureInfo.InvariantCulture))} | ") +
                string.Join(" | ", ms.Select(m => s.Points.FirstOrDefault(p => p.PrefixLength == m) is { } p ? F($"{p.MeanGap:E2} ({p.MeanFluctuation:E1})") : "-")) + " |");
        }

        return md.ToString();
    }

    private static string Label(Sweeps.SweepPoint p) =>
        F($"{p.Text("path")} L={p.Int("query_length")} {p.Text("mask")}") + (p.Text("scale") == "linear" ? " (alpha = m)" : string.Empty) + (p.Bool("centred") ? " centred" : string.Empty);

    private static string SettingKey(Sweeps.SweepPoint point)
    {
        var json = point.ToJson();
        foreach (var k in IgnoredKeys)
        {
            json.Remove(k);
        }

        return json.ToJsonString();
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
