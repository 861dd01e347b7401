using System.Globalization;
using System.Text;
using NtkProofs.Experiments.Lemmas;
using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Experiments.Reports.Ledger;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Statistics;
using NtkProofs.Training;

namespace NtkProofs.Experiments.Reports.Sections;

/// <summary>
/// The NTK lemmas of THEORY.md Part A (L1-L3) and the capacity claim: lemma check table, figures, and ledger rows C1-C4.
/// Reads the sweeps "concentration" (kernel-concentration), "training" (lazy-training) and "capacity" (lazy-training).
/// </summary>
public sealed class LemmaSection : IReportSection
{
    /// <summary>Config name of the L1 sweep.</summary>
    public const string ConcentrationSweep = "concentration";

    /// <summary>Config name of the L2/L3 sweep.</summary>
    public const string TrainingSweep = "training";

    /// <summary>Config name of the C4 sweep.</summary>
    public const string CapacitySweep = "capacity";

    /// <inheritdoc />
    public string Title => "NTK lemmas of the stylized prefix model (THEORY.md Part A)";

    /// <inheritdoc />
    public IReadOnlyList<string> Claims { get; } = ["C1", "C2", "C3", "C4"];

    /// <inheritdoc />
    public SectionOutput Build(ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var md = new StringBuilder();
        var rows = new List<LedgerRow>();
        var concentrationSweep = context.Sweep(ConcentrationSweep);
        var trainingSweep = context.Sweep(TrainingSweep);
        var capacitySweep = context.Sweep(CapacitySweep);

        var concentration = concentrationSweep is null ? [] : GroupConcentration(concentrationSweep);
        var training = trainingSweep is null ? [] : GroupTraining(trainingSweep);
        var checks = new List<LemmaCheck>();
        foreach (var c in concentration)
        {
            checks.AddRange(LemmaSuite.Evaluate(c));
        }

        foreach (var t in training)
        {
            var matching = concentration.FirstOrDefault(c => c.Problem == t.Problem); // same path, scale, n, d, c, sigma, separation
            checks.AddRange(LemmaSuite.Evaluate(t, matching?.MeasuredM0(LemmaCriteria.Delta)));
        }

        md.AppendLine("The stylized model: one attention layer, one query per sample, trainable prefix P of m rows, F(x) = alpha(m) sum_r softmax_r(<p_r, x>) value_r, value paths fixed (signs), separate (trainable values) and tied (prefix row = value). Criteria are those of THEORY.md, collected in `LemmaCriteria`; the same runners back the property tests in `properties/`.");
        md.AppendLine();
        if (checks.Count > 0)
        {
            md.AppendLine("| lemma | setting | statement | measured | criterion | verdict |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in checks)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Lemma} | {Cell(c.Setting)} | {Cell(c.Statement)} | {Cell(c.Measured)} | {Cell(c.Criterion)} | {(c.Verdict == LemmaVerdict.Holds ? "holds" : c.Verdict == LemmaVerdict.Fails ? "**fails**" : "recorded")} |");
            }

            md.AppendLine();
        }

        var figures = new List<(FigureSpec Spec, string Caption)>();
        if (concentration.Count > 0)
        {
            figures.Add((ConcentrationFigure(concentration), "Relative distance of the empirical kernel at initialization to the closed-form H*, mean over replicates with one standard deviation; dashed: least-squares fit on the THEORY.md window."));
            figures.Add((LambdaMinFigure(concentration), "lambda_min(H(0)) / lambda* (mean, with the smallest replicate as the lower bar); dotted: 3/4 (L1(d)) and 1."));
            rows.Add(C1(concentration, checks, context, concentrationSweep!));
        }
        else
        {
            rows.Add(ClaimCatalog.NotRun("C1", $"the '{ConcentrationSweep}' sweep did not run in this profile"));
        }

        if (training.Count > 0)
        {
            figures.Add((DriftFigure(training), "Relative kernel drift sup_t ||H(t) - H(0)||_F / ||H(0)||_F over gradient descent (solid) and largest prefix-row movement max_t max_r ||p_r(t) - p_r(0)|| (dashed), means over replicates."));
            figures.Add((LossCurveFigure(training), "||F(t) - Y||^2 along gradient descent for several m (replicate 0), with the L3 envelope (1 - eta lambda*/2)^t ||F(0) - Y||^2 dashed in the same color."));
            rows.Add(C2(training, checks, context, trainingSweep!));
            rows.Add(C3(training, checks, context, trainingSweep!));
        }
        else
        {
            rows.Add(ClaimCatalog.NotRun("C2", $"the '{TrainingSweep}' sweep did not run in this profile"));
            rows.Add(ClaimCatalog.NotRun("C3", $"the '{TrainingSweep}' sweep did not run in this profile"));
        }

        if (capacitySweep is not null && capacitySweep.Records.Count > 0)
        {
            var capacity = GroupTraining(capacitySweep);
            figures.Add((CapacityFigure(capacity), "Residual after a fixed number of gradient-descent steps, relative to its start, against m (mean over replicates): small prefixes cannot fit the n c targets."));
            rows.Add(C4(capacity, context, capacitySweep));
        }
        else
        {
            rows.Add(ClaimCatalog.NotRun("C4", $"the '{CapacitySweep}' sweep did not run in this profile"));
        }

        foreach (var (spec, caption) in figures)
        {
            ReportFigure.Append(md, spec, caption, context);
        }

        return new SectionOutput(md.ToString(), rows);
    }

    /// <summary>Groups concentration records by setting into <see cref="KernelConcentrationResult"/>s (ordered by path).</summary>
    /// <param name="sweep">The sweep.</param>
    public static IReadOnlyList<KernelConcentrationResult> GroupConcentration(SweepResults sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return sweep.Records
            .GroupBy(r => SettingKey(r))
            .Select(g => new KernelConcentrationResult(
                LemmaParameters.Problem(g.First().Point, 0),
                g.Select(r => KernelConcentrationExperiment.ToSample(r.Point, r.Result)).ToList()))
            .OrderBy(r => r.Problem.ValuePath).ThenBy(r => r.Problem.Scale).ThenBy(r => r.Problem.Sigma)
            .ToList();
    }

    /// <summary>Groups training records by setting (and init) into <see cref="LazyTrainingResult"/>s.</summary>
    /// <param name="sweep">The sweep.</param>
    public static IReadOnlyList<LazyTrainingResult> GroupTraining(SweepResults sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return sweep.Records
            .GroupBy(r => SettingKey(r) + "|" + r.Point.Text("init") + "|" + r.Point.Int("steps").ToString(CultureInfo.InvariantCulture))
            .Select(g =>
            {
                var p = g.First().Point;
                var options = new TrainingOptions(checked((int)p.Int("steps")), p.Real("eta0"), checked((int)p.Int("kernel_every")));
                var init = p.Text("init") == "symmetric" ? PrefixInit.Symmetric : PrefixInit.Random;
                return new LazyTrainingResult(LemmaParameters.Problem(p, 0), options, init, g.Select(r => LazyTrainingExperiment.ToSample(r.Point, r.Result)).ToList());
            })
            .OrderBy(r => r.Problem.ValuePath).ThenBy(r => r.Problem.Scale).ThenBy(r => r.Init)
            .ToList();
    }

    private static string SettingKey(SweepRecord r) => string.Join("|", new[] { "path", "scale", "n", "d", "c", "sigma", "max_cos" }.Select(k => r.Point.ToJson()[k]!.ToJsonString()));

    private static string Label(LemmaProblem p) => LemmaParameters.Name(p.ValuePath) + (p.Scale == OutputScale.Linear ? " (alpha = m)" : string.Empty);

    private static string TrainingLabel(LazyTrainingResult r) => Label(r.Problem) + (r.Init == PrefixInit.Symmetric ? " (symmetric init)" : string.Empty);

    private static FigureSpec ConcentrationFigure(IReadOnlyList<KernelConcentrationResult> results)
    {
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var r in results)
        {
            var ms = r.PrefixLengths.Select(m => (double)m).ToList();
            var gaps = r.GapByPrefixLength;
            int fitStart = LemmaCriteria.ConcentrationFitStart(r.Problem.Sigma);
            var fit = r.GapSlope(fitStart);
            series.Add(new FigureSeries(F($"{Label(r.Problem)} sigma={r.Problem.Sigma}: slope {fit.Slope:F2}"), ms, gaps.Select(g => g.Mean).ToList(),
                ErrorLow: gaps.Select(g => Math.Min(g.StandardDeviation, 0.9 * g.Mean)).ToList(), ErrorHigh: gaps.Select(g => g.StandardDeviation).ToList(), ColorIndex: color));
            var fitMs = ms.Where(m => m >= fitStart).ToList();
            series.Add(new FigureSeries(string.Empty, fitMs, fitMs.Select(fit.Predict).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            color++;
        }

        return new FigureSpec("fig_l1_concentration", "L1: kernel concentration at initialization", "prefix length m", "||H(0) - H*||_F / ||H*||_F", AxisScale.Log2, AxisScale.Log10, series, Width: 960);
    }

    private static FigureSpec LambdaMinFigure(IReadOnlyList<KernelConcentrationResult> results)
    {
        var series = results.Select(r =>
        {
            var ms = r.PrefixLengths;
            var ratios = ms.Select(m => Summary.Of(r.Samples.Where(s => s.PrefixLength == m).Select(s => s.LambdaMin / s.LambdaStar))).ToList();
            return new FigureSeries(Label(r.Problem), ms.Select(m => (double)m).ToList(), ratios.Select(s => s.Mean).ToList(),
                ErrorLow: ratios.Select(s => s.Mean - s.Min).ToList(), ErrorHigh: ratios.Select(s => s.Max - s.Mean).ToList());
        }).ToList();
        return new FigureSpec("fig_l1_lambda_min", "L1: smallest eigenvalue at initialization", "prefix length m", "lambda_min(H(0)) / lambda*", AxisScale.Log2, AxisScale.Linear, series,
            [new ReferenceLine("3/4", 0.75), new ReferenceLine("1", 1.0)]);
    }

    private static FigureSpec DriftFigure(IReadOnlyList<LazyTrainingResult> results)
    {
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var r in results)
        {
            var ms = r.PrefixLengths.Select(m => (double)m).ToList();
            string label = TrainingLabel(r);
            series.Add(new FigureSeries(F($"{label} drift (slope {r.DriftSlope.Slope:F2})"), ms, r.PrefixLengths.Select(m => r.At(m, s => s.MaxKernelDrift).Mean).ToList(), ColorIndex: color));
            series.Add(new FigureSeries(F($"{label} max row movement (slope {r.MovementSlope.Slope:F2})"), ms, r.PrefixLengths.Select(m => r.At(m, s => s.MaxPrefixMovement).Mean).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            color++;
        }

        return new FigureSpec("fig_l2_drift", "L2: kernel drift and prefix movement under training", "prefix length m", "relative drift / movement", AxisScale.Log2, AxisScale.Log10, series, Width: 1100, Height: 560);
    }

    private static FigureSpec LossCurveFigure(IReadOnlyList<LazyTrainingResult> results)
    {
        var r = results.FirstOrDefault(x => x.Problem.ValuePath == ValuePath.FixedValue && x.Init == PrefixInit.Random) ?? results[0];
        var series = new List<FigureSeries>();
        var ms = r.PrefixLengths;
        var picks = ms.Count <= 4 ? ms : [ms[0], ms[ms.Count / 3], ms[2 * ms.Count / 3], ms[^1]];
        int color = 0;
        foreach (int m in picks)
        {
            var s = r.Samples.Where(x => x.PrefixLength == m).OrderBy(x => x.Replicate).First();
            var steps = s.Curve.Select(c => (double)c.Step).ToList();
            series.Add(new FigureSeries(F($"m = {m}"), steps, s.Curve.Select(c => c.Residual).ToList(), SeriesStyle.Line, ColorIndex: color));
            series.Add(new FigureSeries(string.Empty, steps, steps.Select(t => s.InitialResidual * Math.Pow(s.PredictedContraction, t)).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            color++;
        }

        return new FigureSpec("fig_l3_loss_curves", F($"L3: loss curves ({Label(r.Problem)}) and the linear-rate envelope"), "gradient-descent step t", "||F(t) - Y||^2", AxisScale.Linear, AxisScale.Log10, series, Width: 860);
    }

    private static FigureSpec CapacityFigure(IReadOnlyList<LazyTrainingResult> results)
    {
        var series = results.Select(r => new FigureSeries(
            F($"{Label(r.Problem)}, T = {r.Options.Steps}"),
            r.PrefixLengths.Select(m => (double)m).ToList(),
            r.PrefixLengths.Select(m => r.At(m, s => s.ResidualRatio).Mean).ToList())).ToList();
        return new FigureSpec("fig_c4_capacity", "C4: training loss after T steps against prefix length", "prefix length m", "||F(T) - Y||^2 / ||F(0) - Y||^2", AxisScale.Log2, AxisScale.Log10, series);
    }

    private static LedgerRow C1(IReadOnlyList<KernelConcentrationResult> results, List<LemmaCheck> checks, ReportContext context, SweepResults sweep)
    {
        var l1 = checks.Where(c => c.Lemma.StartsWith("L1", StringComparison.Ordinal)).ToList();
        bool pdHolds = l1.Where(c => c.Lemma is "L1a" or "L1b").All(c => c.Verdict == LemmaVerdict.Holds);
        bool rest = l1.All(c => c.Verdict == LemmaVerdict.Holds);
        var key = string.Join("; ", results.Select(r =>
        {
            int start = LemmaCriteria.ConcentrationFitStart(r.Problem.Sigma);
            return F($"{Label(r.Problem)} sigma={r.Problem.Sigma}: slope {r.GapSlope(start).Slope:F2} (m >= {start}), min lambda* {r.Samples.Min(s => s.LambdaStar):E2}, m0 {(r.MeasuredM0(LemmaCriteria.Delta)?.ToString(CultureInfo.InvariantCulture) ?? "none")}");
        }));
        var verdict = !pdHolds ? Verdict.NotSupported : rest ? Verdict.Supported : Verdict.SupportedWithCaveat;
        int replicates = results.Min(r => r.Samples.Select(x => x.Replicate).Distinct().Count());
        bool everyPathHasSlope = l1.Count(c => c.Lemma == "L1c") == results.Count;
        if (pdHolds && (!results.All(r => LargeEnough(r.PrefixLengths, replicates)) || !everyPathHasSlope))
        {
            // Too small a sweep (or no concentration fit for some setting) decides nothing either way about concentration.
            verdict = Verdict.Inconclusive;
            key = (everyPathHasSlope ? TooSmall(results[0].PrefixLengths, replicates) : "a setting has fewer than 3 prefix lengths in its concentration fit window") + "; " + key;
        }

        return new LedgerRow("C1", ClaimCatalog.Text("C1"), verdict, key,
            "supported if L1a-L1d hold for every value path; with caveat if PD holds but a concentration slope or the 3/4 lambda* bound fails somewhere; not supported if PSD/PD fails",
            ["fig_l1_concentration", "fig_l1_lambda_min"], context.SweepCommand(sweep));
    }

    private static LedgerRow C2(IReadOnlyList<LazyTrainingResult> results, List<LemmaCheck> checks, ReportContext context, SweepResults sweep)
    {
        var lazy = results.Where(r => LemmaCriteria.DriftShouldVanish(r.Problem.ValuePath)).ToList();
        var tied = results.Where(r => !LemmaCriteria.DriftShouldVanish(r.Problem.ValuePath)).ToList();
        bool lazyHolds = checks.Where(c => c.Lemma == "L2" && c.Verdict != LemmaVerdict.Recorded && !c.Setting.StartsWith("tied", StringComparison.Ordinal)).All(c => c.Verdict == LemmaVerdict.Holds);
        bool tiedVanishes = tied.All(r => r.DriftSlope.Slope <= LemmaCriteria.StabilitySlopeMax);
        string key = string.Join("; ", results.Select(r => F($"{TrainingLabel(r)}: drift slope {r.DriftSlope.Slope:F2}, RMS movement slope {r.RmsMovementSlope.Slope:F2}, drift at m = {r.PrefixLengths[^1]}: {r.At(r.PrefixLengths[^1], s => s.MaxKernelDrift).Mean:E2}")));
        var verdict = !lazyHolds ? Verdict.NotSupported : tied.Count == 0 || tiedVanishes ? Verdict.Supported : Verdict.SupportedWithCaveat;
        int replicates = results.Min(r => r.Samples.Select(x => x.Replicate).Distinct().Count());
        if (!results.All(r => LargeEnough(r.PrefixLengths, replicates)))
        {
            verdict = Verdict.Inconclusive;
            key = TooSmall(results[0].PrefixLengths, replicates) + "; " + key;
        }

        return new LedgerRow("C2", ClaimCatalog.Text("C2"), verdict, key,
            "supported if L2 holds (drift and RMS movement slopes <= -0.3, max-row slope <= -0.15, lambda_min(H(t)) >= lambda*/2) for fixed and separate values and the tied drift vanishes too; with caveat if it holds for fixed/separate only (the tied form the paper analyses keeps O(1) drift at alpha = sqrt(m))",
            ["fig_l2_drift"], context.SweepCommand(sweep));
    }

    private static LedgerRow C3(IReadOnlyList<LazyTrainingResult> results, List<LemmaCheck> checks, ReportContext context, SweepResults sweep)
    {
        var l3 = checks.Where(c => c.Lemma == "L3").ToList();
        bool holds = l3.All(c => c.Verdict == LemmaVerdict.Holds);
        string key = string.Join("; ", results.Select(r =>
        {
            int mMax = r.PrefixLengths[^1];
            return F($"{TrainingLabel(r)} m = {mMax}: contraction {r.At(mMax, s => s.MeasuredContraction).Mean:F4} vs envelope {r.At(mMax, s => s.PredictedContraction).Mean:F4}, R_T/R_0 {r.At(mMax, s => s.ResidualRatio).Mean:E1}");
        }));
        return new LedgerRow("C3", ClaimCatalog.Text("C3"), holds ? Verdict.Supported : Verdict.NotSupported, key,
            "supported if ||F(t) - Y||^2 <= (1 - eta lambda*/2)^t ||F(0) - Y||^2 at every step of every run with m >= m0 (L3), for every value path",
            ["fig_l3_loss_curves"], context.SweepCommand(sweep));
    }

    private static LedgerRow C4(IReadOnlyList<LazyTrainingResult> results, ReportContext context, SweepResults sweep)
    {
        var parts = new List<string>();
        bool allGain = true, allKeepImproving = true;
        foreach (var r in results)
        {
            var ms = r.PrefixLengths;
            var ratios = ms.Select(m => r.At(m, s => s.ResidualRatio).Mean).ToList();
            double gain = ratios[0] / Math.Max(ratios[^1], 1e-300);
            double best = ratios.Min();
            int saturation = ms[ratios.FindIndex(x => x <= 10 * best)];
            var upper = ms.Select((m, i) => (m, i)).Where(p => p.m >= ms[ms.Count / 2]).ToList();
            double rhoUpper = upper.Count >= 3
                ? MathNet.Numerics.Statistics.Correlation.Spearman(upper.Select(p => (double)p.m), upper.Select(p => ratios[p.i]))
                : double.NaN;
            allGain &= gain >= 100;
            allKeepImproving &= rhoUpper <= -0.8;
            parts.Add(F($"{Label(r.Problem)}: R_T/R_0 {ratios[0]:E1} at m = {ms[0]} -> {ratios[^1]:E1} at m = {ms[^1]} (gain {gain:E1}); within 10x of its best from m = {saturation}; Spearman rho over m >= {ms[ms.Count / 2]}: {rhoUpper:F2}"));
        }

        var verdict = !allGain ? Verdict.NotSupported : allKeepImproving ? Verdict.Supported : Verdict.SupportedWithCaveat;
        return new LedgerRow("C4", ClaimCatalog.Text("C4"), verdict, string.Join("; ", parts),
            "with eta = eta0 / lambda_max(H(0)) and T fixed: supported if the residual left after T steps falls at least 100x from the smallest to the largest m and keeps falling over the upper half of the m grid (Spearman rho <= -0.8); with caveat if it falls 100x but then saturates (its rate is then set by H*'s conditioning, not by m); not supported if it does not fall 100x. Training loss only: says nothing about test performance",
            ["fig_c4_capacity"], context.SweepCommand(sweep));
    }

    /// <summary>
    /// Whether a sweep is large enough for a slope verdict: at least 2 replicates per m and m spanning at least 2^6 (six
    /// doublings). Smaller sweeps (the smoke profile) give "inconclusive" rather than a verdict from noise.
    /// </summary>
    /// <param name="prefixLengths">The m grid.</param>
    /// <param name="replicates">Replicates per m.</param>
    public static bool LargeEnough(IReadOnlyList<int> prefixLengths, int replicates) =>
        replicates >= 2 && prefixLengths.Count >= 2 && prefixLengths[^1] / prefixLengths[0] >= 64;

    private static string TooSmall(IReadOnlyList<int> prefixLengths, int replicates) =>
        F($"sweep too small for a slope verdict (m = {prefixLengths[0]}..{prefixLengths[^1]}, {replicates} replicate(s); need >= 2 replicates over a 64x range of m): run the quick profile");

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
