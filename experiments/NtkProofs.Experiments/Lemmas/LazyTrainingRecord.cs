using NtkProofs.Lemmas;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>One (t, R_t) point of a stored residual curve.</summary>
/// <param name="Step">t.</param>
/// <param name="Residual">R_t = ||F(t) - Y||^2.</param>
public sealed record ResidualPoint(int Step, double Residual);

/// <summary>The typed result of one lazy-training run (the stored form of a <see cref="TrainingSample"/>).</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index.</param>
/// <param name="Centred">Whether the centred output F - F(theta_0) was trained.</param>
/// <param name="LambdaStar">lambda_min(H*).</param>
/// <param name="EffectiveEta">Step size on the reported kernel's scale.</param>
/// <param name="Steps">T.</param>
/// <param name="MaxKernelDrift">sup_t ||H(t) - H(0)||_F / ||H(0)||_F.</param>
/// <param name="MaxPrefixMovement">max_t max_r ||p_r(t) - p_r(0)||.</param>
/// <param name="MaxRmsPrefixMovement">max_t ||P(t) - P(0)||_F / sqrt(m).</param>
/// <param name="MinLambdaMin">min_t lambda_min(H(t)).</param>
/// <param name="MeasuredContraction">(R_T / R_0)^(1/T).</param>
/// <param name="PredictedContraction">The L3 envelope factor 1 - eta lambda*/2.</param>
/// <param name="WorstEnvelopeRatio">max over t &gt;= 1 of R_t / envelope_t.</param>
/// <param name="InitialResidual">R_0.</param>
/// <param name="FinalResidual">R_T.</param>
/// <param name="StepsToTarget">First t with R_t &lt;= 1e-3 R_0, or null.</param>
/// <param name="Curve">Subsampled residual curve.</param>
public sealed record LazyTrainingRecord(
    int PrefixLength,
    int Replicate,
    bool Centred,
    double LambdaStar,
    double EffectiveEta,
    int Steps,
    double MaxKernelDrift,
    double MaxPrefixMovement,
    double MaxRmsPrefixMovement,
    double MinLambdaMin,
    double MeasuredContraction,
    double PredictedContraction,
    double WorstEnvelopeRatio,
    double InitialResidual,
    double FinalResidual,
    int? StepsToTarget,
    IReadOnlyList<ResidualPoint> Curve)
{
    /// <summary>The stored form of a sample.</summary>
    /// <param name="s">The sample.</param>
    /// <param name="centred">Whether the run trained the centred output.</param>
    public static LazyTrainingRecord From(TrainingSample s, bool centred)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.PrefixLength, s.Replicate, centred, s.LambdaStar, s.EffectiveEta, s.Steps, s.MaxKernelDrift, s.MaxPrefixMovement,
            s.MaxRmsPrefixMovement, s.MinLambdaMin, s.MeasuredContraction, s.PredictedContraction, s.WorstEnvelopeRatio, s.InitialResidual,
            s.FinalResidual, s.StepsToTarget, s.Curve.Select(c => new ResidualPoint(c.Step, c.Residual)).ToList());
    }

    /// <summary>Back to the library's <see cref="TrainingSample"/>.</summary>
    public TrainingSample ToSample() =>
        new(PrefixLength, Replicate, LambdaStar, EffectiveEta, Steps, MaxKernelDrift, MaxPrefixMovement, MaxRmsPrefixMovement, MinLambdaMin,
            MeasuredContraction, WorstEnvelopeRatio, InitialResidual, FinalResidual, StepsToTarget, Curve.Select(c => (c.Step, c.Residual)).ToList());
}
