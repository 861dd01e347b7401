using NtkProofs.Model;
using NtkProofs.Statistics;
using NtkProofs.Training;

namespace NtkProofs.Lemmas;

/// <summary>
/// What L2, L3 and C4 read from one training run at (m, replicate): plain numbers (serializable into sweep results) plus a
/// subsampled residual curve.
/// </summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="LambdaStar">lambda_min(H*) of the replicate's inputs.</param>
/// <param name="EffectiveEta">The step size on the reported kernel's scale.</param>
/// <param name="Steps">T.</param>
/// <param name="MaxKernelDrift">sup_t ||H(t) - H(0)||_F / ||H(0)||_F over the tracked steps.</param>
/// <param name="MaxPrefixMovement">max_t max_r ||p_r(t) - p_r(0)||.</param>
/// <param name="MaxRmsPrefixMovement">max_t ||P(t) - P(0)||_F / sqrt(m).</param>
/// <param name="MinLambdaMin">min_t lambda_min(H(t)) over the tracked steps.</param>
/// <param name="MeasuredContraction">(R_T / R_0)^(1/T), R_t = ||F(t) - Y||^2.</param>
/// <param name="WorstEnvelopeRatio">max over t &gt;= 1 of R_t / ((1 - eta lambda*/2)^t R_0); L3 holds when it is &lt;= 1.</param>
/// <param name="InitialResidual">R_0.</param>
/// <param name="FinalResidual">R_T.</param>
/// <param name="StepsToTarget">First t with R_t &lt;= 1e-3 R_0, or null if never reached.</param>
/// <param name="Curve">(t, R_t) at about 60 log-spaced steps (always including 0 and T).</param>
public sealed record TrainingSample(
    int PrefixLength,
    int Replicate,
    double LambdaStar,
    double EffectiveEta,
    int Steps,
    double MaxKernelDrift,
    double MaxPrefixMovement,
    double MaxRmsPrefixMovement,
    double MinLambdaMin,
    double MeasuredContraction,
    double WorstEnvelopeRatio,
    double InitialResidual,
    double FinalResidual,
    int? StepsToTarget,
    IReadOnlyList<(int Step, double Residual)> Curve)
{
    /// <summary>The residual reduction that counts as "reached the target" for <see cref="StepsToTarget"/>.</summary>
    public const double TargetReduction = 1e-3;

    /// <summary>The L3 envelope factor 1 - eta lambda* / 2 (eta on the reported kernel's scale).</summary>
    public double PredictedContraction => 1 - (EffectiveEta * LambdaStar / 2);

    /// <summary>Whether lambda_min(H(t)) stayed at or above lambda*/2 at every tracked step.</summary>
    public bool KernelStaysPositive => MinLambdaMin >= LambdaStar / 2;

    /// <summary>R_T / R_0.</summary>
    public double ResidualRatio => FinalResidual / InitialResidual;

    /// <summary>Summarizes a recorded run.</summary>
    /// <param name="prefixLength">m.</param>
    /// <param name="replicate">Replicate index.</param>
    /// <param name="lambdaStar">lambda_min(H*).</param>
    /// <param name="run">The run.</param>
    public static TrainingSample FromRun(int prefixLength, int replicate, double lambdaStar, TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var records = run.Records;
        double r0 = records[0].ResidualSquared, q = 1 - (run.EffectiveEta * lambdaStar / 2);
        // t = 0 is 1 by definition; the envelope is tested on the steps after it (NaN for a run without steps).
        double worst = records.Count > 1 ? records.Skip(1).Max(rec => rec.ResidualSquared / (Math.Pow(q, rec.Step) * r0)) : double.NaN;
        int? reached = records.FirstOrDefault(rec => rec.ResidualSquared <= TargetReduction * r0)?.Step;
        int steps = records.Count - 1;
        var picks = new SortedSet<int> { 0, steps };
        for (int k = 0; k <= 60; k++)
        {
            picks.Add((int)Math.Round(Math.Pow(Math.Max(steps, 1), k / 60.0)));
        }

        var curve = picks.Where(t => t <= steps).Select(t => (t, records[t].ResidualSquared)).ToList();
        return new TrainingSample(prefixLength, replicate, lambdaStar, run.EffectiveEta, steps, run.MaxKernelDrift, run.MaxPrefixMovement,
            run.MaxRmsPrefixMovement, run.MinLambdaMin, run.MeasuredContraction, worst, r0, records[^1].ResidualSquared, reached, curve);
    }
}

/// <summary>Training runs over an m grid and replicates: the data of L2 (lazy training) and L3 (linear convergence).</summary>
/// <param name="Problem">The setting.</param>
/// <param name="Options">Training options.</param>
/// <param name="Init">Initialization scheme.</param>
/// <param name="Samples">Every run.</param>
public sealed record LazyTrainingResult(LemmaProblem Problem, TrainingOptions Options, PrefixInit Init, IReadOnlyList<TrainingSample> Samples)
{
    /// <summary>The prefix lengths, ascending.</summary>
    public IReadOnlyList<int> PrefixLengths => Samples.Select(s => s.PrefixLength).Distinct().Order().ToList();

    /// <summary>Log-log fit of the mean of sup_t relative kernel drift against m.</summary>
    public LogLogFit DriftSlope => Fit(s => s.MaxKernelDrift);

    /// <summary>Log-log fit of the mean of max_t max_r ||p_r(t) - p_r(0)|| against m.</summary>
    public LogLogFit MovementSlope => Fit(s => s.MaxPrefixMovement);

    /// <summary>Log-log fit of the mean of max_t ||P(t) - P(0)||_F / sqrt(m) (root-mean-square row movement) against m.</summary>
    public LogLogFit RmsMovementSlope => Fit(s => s.MaxRmsPrefixMovement);

    /// <summary>Summary of a per-run quantity at one m.</summary>
    /// <param name="prefixLength">m.</param>
    /// <param name="selector">The quantity.</param>
    public Summary At(int prefixLength, Func<TrainingSample, double> selector) =>
        Summary.Of(Samples.Where(s => s.PrefixLength == prefixLength).Select(selector));

    private LogLogFit Fit(Func<TrainingSample, double> selector)
    {
        var ms = PrefixLengths;
        return LogLogFit.Fit(ms.Select(m => (double)m).ToList(), ms.Select(m => At(m, selector).Mean).ToList());
    }
}

/// <summary>Runs gradient descent over an m grid and replicates (L2 and L3).</summary>
public static class LazyTraining
{
    /// <summary>Trains one model per (m, replicate).</summary>
    /// <param name="problem">The setting.</param>
    /// <param name="prefixLengths">The m grid.</param>
    /// <param name="replicates">Number of replicates.</param>
    /// <param name="options">Training options (steps, eta0, kernel interval).</param>
    /// <param name="init">Random or symmetric (F(0) = 0) initialization.</param>
    /// <param name="progress">Receives the number of completed runs.</param>
    public static LazyTrainingResult Run(LemmaProblem problem, IReadOnlyList<int> prefixLengths, int replicates, TrainingOptions options, PrefixInit init = PrefixInit.Random, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(prefixLengths);
        var samples = new List<TrainingSample>();
        int done = 0;
        for (int r = 0; r < replicates; r++)
        {
            using var x = problem.Inputs(r);
            using var y = problem.Targets(r);
            using var hStar = Kernels.InfinitePrefixKernel.Compute(problem.ValuePath, x, problem.Sigma, problem.EffectiveOutputDim);
            double lambdaStar = Numerics.EigenSpectrum.Of(hStar).LambdaMin;
            foreach (int m in prefixLengths)
            {
                samples.Add(Measure(problem, m, r, options, init, x, y, lambdaStar));
                progress?.Report(++done);
            }
        }

        return new LazyTrainingResult(problem, options, init, samples);
    }

    /// <summary>Trains one model at (m, replicate) and summarizes the run.</summary>
    /// <param name="problem">The setting.</param>
    /// <param name="prefixLength">m.</param>
    /// <param name="replicate">Replicate index.</param>
    /// <param name="options">Training options.</param>
    /// <param name="init">Initialization scheme.</param>
    public static TrainingSample Measure(LemmaProblem problem, int prefixLength, int replicate, TrainingOptions options, PrefixInit init = PrefixInit.Random)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var x = problem.Inputs(replicate);
        using var y = problem.Targets(replicate);
        using var hStar = Kernels.InfinitePrefixKernel.Compute(problem.ValuePath, x, problem.Sigma, problem.EffectiveOutputDim);
        return Measure(problem, prefixLength, replicate, options, init, x, y, Numerics.EigenSpectrum.Of(hStar).LambdaMin);
    }

    private static TrainingSample Measure(LemmaProblem problem, int m, int r, TrainingOptions options, PrefixInit init, TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y, double lambdaStar)
    {
        using var model = problem.Model(m, r, init);
        var run = GradientDescentTrainer.Train(model, x, y, options);
        return TrainingSample.FromRun(m, r, lambdaStar, run);
    }
}
