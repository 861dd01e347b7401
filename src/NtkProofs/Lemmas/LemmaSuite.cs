using System.Globalization;
using NtkProofs.Model;

namespace NtkProofs.Lemmas;

/// <summary>The raw results of one value path's lemma measurements.</summary>
/// <param name="Path">Value path.</param>
/// <param name="Concentration">L1 data.</param>
/// <param name="Training">L2 and L3 data.</param>
public sealed record LemmaPathResult(ValuePath Path, KernelConcentrationResult Concentration, LazyTrainingResult Training);

/// <summary>
/// Runs L1-L3 for every value path at one size and turns the measurements into <see cref="LemmaCheck"/> rows using
/// <see cref="LemmaCriteria"/>. The property tests assert the same criteria on FsCheck-generated settings.
/// </summary>
public static class LemmaSuite
{
    /// <summary>Measures and evaluates every lemma for every value path.</summary>
    /// <param name="options">Sizes.</param>
    /// <param name="progress">Receives (task label, completed, total) updates.</param>
    public static (IReadOnlyList<LemmaCheck> Checks, IReadOnlyList<LemmaPathResult> Results) Run(LemmaSuiteOptions options, Action<string, int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new List<LemmaCheck>();
        var results = new List<LemmaPathResult>();
        foreach (var path in Enum.GetValues<ValuePath>())
        {
            var problem = options.Problem(path);
            var concentrationGrid = KernelConcentration.PowersOfTwo(options.ConcentrationExponents.From, options.ConcentrationExponents.To);
            int total = concentrationGrid.Count * options.ConcentrationReplicates;
            var concentration = KernelConcentration.Run(problem, concentrationGrid, options.ConcentrationReplicates, new Progress(n => progress?.Invoke($"L1 {problem.Label}", n, total)));
            var trainingGrid = KernelConcentration.PowersOfTwo(options.TrainingExponents.From, options.TrainingExponents.To);
            total = trainingGrid.Count * options.TrainingReplicates;
            var training = LazyTraining.Run(problem, trainingGrid, options.TrainingReplicates, options.Training, PrefixInit.Random, new Progress(n => progress?.Invoke($"L2/L3 {problem.Label}", n, total)));
            results.Add(new LemmaPathResult(path, concentration, training));
            checks.AddRange(Evaluate(concentration));
            checks.AddRange(Evaluate(training, concentration.MeasuredM0(LemmaCriteria.Delta)));
        }

        return (checks, results);
    }

    /// <summary>Evaluates L1(a)-(d) on concentration data.</summary>
    /// <param name="result">The data.</param>
    public static IEnumerable<LemmaCheck> Evaluate(KernelConcentrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problem = result.Problem;
        long dim = (long)problem.Samples * problem.EffectiveOutputDim;
        var worstPsd = result.Samples.MinBy(s => s.LambdaMin / s.LambdaMaxStar)!;
        double psdTol = LemmaCriteria.PsdTolerance(dim, worstPsd.LambdaMaxStar);
        yield return new LemmaCheck("L1a", problem.Label, "H(0) symmetric PSD for every draw",
            F($"min lambda_min(H(0)) = {worstPsd.LambdaMin:E3}; max asymmetry {result.Samples.Max(s => s.Asymmetry):E1}"),
            F($"lambda_min >= -{psdTol:E1}"), Verdict(result.Samples.All(s => s.LambdaMin >= -LemmaCriteria.PsdTolerance(dim, s.LambdaMaxStar) && s.Asymmetry <= Numerics.Tolerance.Symmetry64.Relative)));

        var minStar = result.Samples.MinBy(s => s.LambdaStar)!;
        double starTol = LemmaCriteria.PsdTolerance(dim, minStar.LambdaMaxStar);
        yield return new LemmaCheck("L1b", problem.Label, "H* positive definite on separated unit inputs",
            F($"min lambda* = {minStar.LambdaStar:E3} (lambda_max {minStar.LambdaMaxStar:E3})"),
            F($"lambda* > {starTol:E1}"), Verdict(result.Samples.All(s => s.LambdaStar > LemmaCriteria.PsdTolerance(dim, s.LambdaMaxStar))));

        int fitStart = LemmaCriteria.ConcentrationFitStart(problem.Sigma);
        if (result.PrefixLengths.Count(m => m >= fitStart) >= 3)
        {
            var fit = result.GapSlope(fitStart);
            var spread = result.ReplicateSlopes(fitStart);
            yield return new LemmaCheck("L1c", problem.Label, "||H(0) - H*||_F / ||H*||_F = Theta(m^-1/2)",
                F($"slope {fit.Slope:F3} (R^2 {fit.RSquared:F3}; per-replicate {spread.Mean:F3} ± {spread.StandardDeviation:F3}) over m = {fitStart}..{result.PrefixLengths[^1]}"),
                F($"slope in [{LemmaCriteria.ConcentrationSlopeLow}, {LemmaCriteria.ConcentrationSlopeHigh}]"),
                Verdict(fit.Slope >= LemmaCriteria.ConcentrationSlopeLow && fit.Slope <= LemmaCriteria.ConcentrationSlopeHigh));
        }

        int mMax = result.PrefixLengths[^1];
        double fraction = result.FractionAboveThreeQuarters(mMax);
        int? m0 = result.MeasuredM0(LemmaCriteria.Delta);
        double theory = result.TheoreticalM0(LemmaCriteria.Delta);
        yield return new LemmaCheck("L1d", problem.Label, "P[lambda_min(H(0)) >= 3 lambda*/4] >= 1 - delta for m >= m0 (delta = 0.05)",
            F($"fraction at m = {mMax}: {fraction:P0}; measured m0 = {(m0?.ToString(CultureInfo.InvariantCulture) ?? "none")}; theoretical m0 = {theory:E2}; ratio {(m0 is int v ? (v / theory).ToString("E2", CultureInfo.InvariantCulture) : "n/a")}"),
            F($"fraction >= {1 - LemmaCriteria.Delta:P0} at the largest m"), Verdict(fraction >= 1 - LemmaCriteria.Delta));
    }

    /// <summary>Evaluates L2 and L3 on training data.</summary>
    /// <param name="result">The data.</param>
    /// <param name="m0">The measured m0 of L1(d), or null: lambda_min(H(t)) and the envelope are checked from there on.</param>
    public static IEnumerable<LemmaCheck> Evaluate(LazyTrainingResult result, int? m0)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problem = result.Problem;
        var drift = result.DriftSlope;
        var movement = result.MovementSlope;
        var rms = result.RmsMovementSlope;
        int mMin = result.PrefixLengths[0], mMax = result.PrefixLengths[^1];
        string measured = F($"drift slope {drift.Slope:F3} (mean drift {result.At(mMin, s => s.MaxKernelDrift).Mean:E2} at m = {mMin} -> {result.At(mMax, s => s.MaxKernelDrift).Mean:E2} at m = {mMax}); max-row movement slope {movement.Slope:F3}; RMS movement slope {rms.Slope:F3}");
        if (LemmaCriteria.DriftShouldVanish(problem.ValuePath))
        {
            yield return new LemmaCheck("L2", problem.Label, "kernel drift and prefix movement vanish as m grows",
                measured, F($"drift and RMS slopes <= {LemmaCriteria.StabilitySlopeMax}; max-row slope <= {LemmaCriteria.MaxRowMovementSlopeMax}"),
                Verdict(drift.Slope <= LemmaCriteria.StabilitySlopeMax && rms.Slope <= LemmaCriteria.StabilitySlopeMax && movement.Slope <= LemmaCriteria.MaxRowMovementSlopeMax));
        }
        else
        {
            yield return new LemmaCheck("L2", problem.Label, "kernel drift under training (spec predicts it does NOT vanish for TiedValue)",
                measured, "recorded, no criterion", LemmaVerdict.Recorded);
        }

        var late = result.Samples.Where(s => s.PrefixLength >= (m0 ?? mMax)).ToList();
        yield return new LemmaCheck("L2", problem.Label, "lambda_min(H(t)) >= lambda*/2 for m >= m0",
            F($"min over runs of lambda_min(H(t)) / lambda* = {late.Min(s => s.MinLambdaMin / s.LambdaStar):F3} for m >= {m0 ?? mMax}"),
            ">= 0.5", Verdict(late.All(s => s.KernelStaysPositive)));

        var worst = late.MaxBy(s => s.WorstEnvelopeRatio)!;
        yield return new LemmaCheck("L3", problem.Label, "||F(t) - Y||^2 <= (1 - eta lambda*/2)^t ||F(0) - Y||^2",
            F($"worst ratio to envelope {worst.WorstEnvelopeRatio:F3} for m >= {m0 ?? mMax}; contraction measured {Summaries(late, s => s.MeasuredContraction)} vs predicted {Summaries(late, s => s.PredictedContraction)}"),
            "ratio <= 1 at every step", Verdict(late.All(s => s.WorstEnvelopeRatio <= 1)));
    }

    private static string Summaries(IEnumerable<TrainingSample> samples, Func<TrainingSample, double> selector)
    {
        var s = Statistics.Summary.Of(samples.Select(selector));
        return F($"{s.Mean:F5} (range {s.Min:F5}-{s.Max:F5})");
    }

    private static LemmaVerdict Verdict(bool holds) => holds ? LemmaVerdict.Holds : LemmaVerdict.Fails;

    private static string F(FormattableString s) => FormattableString.Invariant(s);

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
