using NtkProofs.Numerics;

namespace NtkProofs.Training;

/// <summary>The record of one gradient-descent run.</summary>
/// <param name="Records">One record per step t = 0..T (T + 1 records; the last has no update after it).</param>
/// <param name="Eta">The raw step size used.</param>
/// <param name="EffectiveEta">The step size on the reported kernel's scale (eta * alpha^2 / m); the one that enters 1 - eta lambda / 2.</param>
/// <param name="InitialSpectrum">Spectrum of the reported kernel H(0).</param>
public sealed record TrainingRun(IReadOnlyList<TrainingStepRecord> Records, double Eta, double EffectiveEta, EigenSpectrum InitialSpectrum)
{
    /// <summary>sup_t of the relative kernel drift over the tracked steps.</summary>
    public double MaxKernelDrift => Records.Max(r => r.KernelDrift ?? 0);

    /// <summary>max_t max_r ||p_r(t) - p_r(0)||.</summary>
    public double MaxPrefixMovement => Records.Max(r => r.MaxPrefixMovement);

    /// <summary>max_t ||P(t) - P(0)||_F / sqrt(m).</summary>
    public double MaxRmsPrefixMovement => Records.Max(r => r.RmsPrefixMovement);

    /// <summary>min_t lambda_min(H(t)) over the tracked steps.</summary>
    public double MinLambdaMin => Records.Where(r => r.LambdaMin.HasValue).Min(r => r.LambdaMin!.Value);

    /// <summary>The geometric-mean per-step contraction of ||F - Y||^2 over the run: (R_T / R_0)^(1/T).</summary>
    public double MeasuredContraction
    {
        get
        {
            int t = Records.Count - 1;
            return t <= 0 ? 1.0 : Math.Pow(Records[^1].ResidualSquared / Records[0].ResidualSquared, 1.0 / t);
        }
    }
}
