using NtkProofs.Model;
using NtkProofs.Statistics;
using NtkProofs.Training;

namespace NtkProofs.Lemmas;

/// <summary>One training run at (m, replicate) and what L2 and L3 read from it.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="LambdaStar">lambda_min(H*) of the replicate's inputs.</param>
/// <param name="Run">The recorded run.</param>
public sealed record TrainingSample(int PrefixLength, int Replicate, double LambdaStar, TrainingRun Run)
{
    /// <summary>The L3 envelope factor 1 - eta lambda* / 2 (eta on the reported kernel's scale).</summary>
    public double PredictedContraction => 1 - (Run.EffectiveEta * LambdaStar / 2);

    /// <summary>
    /// The largest ratio ||F(t) - Y||^2 / ((1 - eta lambda*/2)^t ||F(0) - Y||^2) over the run; L3 holds when it is &lt;= 1.
    /// </summary>
    public double WorstEnvelopeRatio
    {
        get
        {
            double r0 = Run.Records[0].ResidualSquared, q = PredictedContraction;
            return Run.Records.Max(rec => rec.ResidualSquared / (Math.Pow(q, rec.Step) * r0));
        }
    }

    /// <summary>Whether lambda_min(H(t)) stayed at or above lambda*/2 at every tracked step.</summary>
    public bool KernelStaysPositive => Run.MinLambdaMin >= LambdaStar / 2;
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
    public LogLogFit DriftSlope => Fit(s => s.Run.MaxKernelDrift);

    /// <summary>Log-log fit of the mean of max_t max_r ||p_r(t) - p_r(0)|| against m.</summary>
    public LogLogFit MovementSlope => Fit(s => s.Run.MaxPrefixMovement);

    /// <summary>Log-log fit of the mean of max_t ||P(t) - P(0)||_F / sqrt(m) (root-mean-square row movement) against m.</summary>
    public LogLogFit RmsMovementSlope => Fit(s => s.Run.MaxRmsPrefixMovement);

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
                using var model = problem.Model(m, r, init);
                var run = GradientDescentTrainer.Train(model, x, y, options);
                samples.Add(new TrainingSample(m, r, lambdaStar, run));
                progress?.Report(++done);
            }
        }

        return new LazyTrainingResult(problem, options, init, samples);
    }
}
