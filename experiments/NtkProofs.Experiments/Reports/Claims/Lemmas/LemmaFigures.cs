using NtkProofs.Experiments.Reports.Figures;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Statistics;

namespace NtkProofs.Experiments.Reports.Claims.Lemmas;

/// <summary>The figures of the lemma claims (C1-C3), from grouped typed results.</summary>
public static class LemmaFigures
{
    /// <summary>L1: relative kernel gap against m per setting, with the fit on the THEORY.md window.</summary>
    /// <param name="results">The grouped results.</param>
    public static FigureSpec ConcentrationFigure(IReadOnlyList<KernelConcentrationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var r in results)
        {
            var ms = r.PrefixLengths.Select(m => (double)m).ToList();
            var gaps = r.GapByPrefixLength;
            int fitStart = LemmaCriteria.ConcentrationFitStart(r.Problem.Sigma);
            var fitMs = ms.Where(m => m >= fitStart).ToList();
            LogLogFit? fit = fitMs.Count >= 2 ? r.GapSlope(fitStart) : null; // no fit line without two m in the window
            series.Add(new FigureSeries(F($"{LemmaSweeps.Label(r.Problem)} sigma={r.Problem.Sigma}: slope {(fit is null ? "n/a" : fit.Value.Slope.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))}"), ms, gaps.Select(g => g.Mean).ToList(),
                ErrorLow: gaps.Select(g => Math.Min(g.StandardDeviation, 0.9 * g.Mean)).ToList(), ErrorHigh: gaps.Select(g => g.StandardDeviation).ToList(), ColorIndex: color));
            if (fit is not null)
            {
                series.Add(new FigureSeries(string.Empty, fitMs, fitMs.Select(fit.Value.Predict).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            }

            color++;
        }

        return new FigureSpec("fig_l1_concentration", "L1: kernel concentration at initialization", "prefix length m", "||H(0) - H*||_F / ||H*||_F", AxisScale.Log2, AxisScale.Log10, series, Width: 960);
    }

    /// <summary>L1(d): lambda_min(H(0)) / lambda* against m.</summary>
    /// <param name="results">The grouped results.</param>
    public static FigureSpec LambdaMinFigure(IReadOnlyList<KernelConcentrationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var series = results.Select(r =>
        {
            var ms = r.PrefixLengths;
            var ratios = ms.Select(m => Summary.Of(r.Samples.Where(s => s.PrefixLength == m).Select(s => s.LambdaMin / s.LambdaStar))).ToList();
            return new FigureSeries(LemmaSweeps.Label(r.Problem), ms.Select(m => (double)m).ToList(), ratios.Select(s => s.Mean).ToList(),
                ErrorLow: ratios.Select(s => s.Mean - s.Min).ToList(), ErrorHigh: ratios.Select(s => s.Max - s.Mean).ToList());
        }).ToList();
        return new FigureSpec("fig_l1_lambda_min", "L1: smallest eigenvalue at initialization", "prefix length m", "lambda_min(H(0)) / lambda*", AxisScale.Log2, AxisScale.Linear, series,
            [new ReferenceLine("3/4", 0.75), new ReferenceLine("1", 1.0)]);
    }

    /// <summary>L2: kernel drift and largest row movement against m.</summary>
    /// <param name="results">The grouped results.</param>
    public static FigureSpec DriftFigure(IReadOnlyList<LazyTrainingResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var series = new List<FigureSeries>();
        int color = 0;
        foreach (var r in results)
        {
            var ms = r.PrefixLengths.Select(m => (double)m).ToList();
            string label = LemmaSweeps.Label(r.Problem, r.Init);
            series.Add(new FigureSeries(F($"{label} drift (slope {r.DriftSlope.Slope:F2})"), ms, r.PrefixLengths.Select(m => r.At(m, s => s.MaxKernelDrift).Mean).ToList(), ColorIndex: color));
            series.Add(new FigureSeries(F($"{label} max row movement (slope {r.MovementSlope.Slope:F2})"), ms, r.PrefixLengths.Select(m => r.At(m, s => s.MaxPrefixMovement).Mean).ToList(), SeriesStyle.DashedLine, ColorIndex: color));
            color++;
        }

        return new FigureSpec("fig_l2_drift", "L2: kernel drift and prefix movement under training", "prefix length m", "relative drift / movement", AxisScale.Log2, AxisScale.Log10, series, Width: 1100, Height: 560);
    }

    /// <summary>L3: loss curves and the linear-rate envelope.</summary>
    /// <param name="results">The grouped results.</param>
    public static FigureSpec LossCurveFigure(IReadOnlyList<LazyTrainingResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
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

        return new FigureSpec("fig_l3_loss_curves", F($"L3: loss curves ({LemmaSweeps.Label(r.Problem)}) and the linear-rate envelope"), "gradient-descent step t", "||F(t) - Y||^2", AxisScale.Linear, AxisScale.Log10, series, Width: 860);
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);
}
