using NtkProofs.Model;

namespace NtkProofs.Experiments.Lemmas;

/// <summary>
/// The typed result of one <see cref="CausalLemmasExperiment"/> point: L1 at initialization (H(0) against H* on the n L query
/// tokens) and one gradient-descent run (L2 drift, L3 contraction) of the L &gt; 1 query model (THEORY.md A.2).
/// </summary>
/// <param name="QueryLength">L, query tokens per sample.</param>
/// <param name="Mask">Which input tokens a query sees (none = Part A's model on the n L queries).</param>
/// <param name="PrefixLength">m.</param>
/// <param name="Replicate">Replicate index (the prefix draw; queries, token values and targets are fixed per input draw).</param>
/// <param name="Queries">n L, the number of samples of the kernel.</param>
/// <param name="RelativeGap">||H(0) - H*||_F / ||H*||_F.</param>
/// <param name="FluctuationGap">
/// The fluctuation part of the gap, free of the input tokens' bias: ||H_a - H_b||_F / (2 ||H*||_F) for the kernels of the two
/// prefix halves (see <see cref="CausalLemmasExperiment.SplitHalfFluctuation"/>); NaN at m = 1.
/// </param>
/// <param name="LambdaMin">lambda_min(H(0)).</param>
/// <param name="LambdaStar">lambda_min(H*).</param>
/// <param name="LambdaMaxStar">lambda_max(H*).</param>
/// <param name="InputShare">Mean attention weight on the input tokens at initialization (0 without input tokens).</param>
/// <param name="Steps">T.</param>
/// <param name="EffectiveEta">Step size on the reported kernel's scale.</param>
/// <param name="MaxKernelDrift">sup_t ||H(t) - H(0)||_F / ||H(0)||_F over the tracked steps.</param>
/// <param name="MaxRmsPrefixMovement">max_t ||P(t) - P(0)||_F / sqrt(m).</param>
/// <param name="MeasuredContraction">(R_T / R_0)^(1/T), R_t = ||F(t) - Y||^2.</param>
/// <param name="PredictedContraction">The L3 envelope factor 1 - eta lambda*/2.</param>
/// <param name="WorstEnvelopeRatio">max over t &gt;= 1 of R_t / ((1 - eta lambda*/2)^t R_0) (NaN for T = 0).</param>
/// <param name="InitialResidual">R_0.</param>
/// <param name="FinalResidual">R_T.</param>
/// <param name="MinResidualRatio">min_t R_t / R_0.</param>
/// <param name="StepsToConvergence">First t with R_t &lt;= 1e-6 R_0, or null if not within T.</param>
public sealed record CausalLemmaRecord(
    int QueryLength,
    QueryMask Mask,
    int PrefixLength,
    int Replicate,
    int Queries,
    double RelativeGap,
    double FluctuationGap,
    double LambdaMin,
    double LambdaStar,
    double LambdaMaxStar,
    double InputShare,
    int Steps,
    double EffectiveEta,
    double MaxKernelDrift,
    double MaxRmsPrefixMovement,
    double MeasuredContraction,
    double PredictedContraction,
    double WorstEnvelopeRatio,
    double InitialResidual,
    double FinalResidual,
    double MinResidualRatio,
    int? StepsToConvergence);
