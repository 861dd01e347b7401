namespace NtkProofs.Experiments.WidthExperiments;

/// <summary>The result of one <see cref="SmallPrefixExperiment"/> point (claim C17): held-out relative errors against exact prefix attention.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="Length">L, input tokens.</param>
/// <param name="Dim">d (one head, d_h = d).</param>
/// <param name="Feature">phi's name.</param>
/// <param name="R">r, features of phi.</param>
/// <param name="ZeroStateError">Relative error of Z = 0, k = 0 (the prefix ignored): the baseline.</param>
/// <param name="ClosedFormError">Relative error with the closed form Z(P), k(P).</param>
/// <param name="TrainedError">Relative error with Z, k fitted by Adam.</param>
/// <param name="TrainedMaxAbsError">max |NTK-Attn - PrefixAttn| of the trained Z, k.</param>
/// <param name="Steps">Adam steps.</param>
/// <param name="FitSeconds">Wall time of the fit.</param>
public sealed record SmallPrefixResult(int PrefixLength, int Length, int Dim, string Feature, long R, double ZeroStateError, double ClosedFormError, double TrainedError, double TrainedMaxAbsError, int Steps, double FitSeconds);
