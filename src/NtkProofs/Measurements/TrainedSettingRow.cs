using NtkProofs.Attention;
namespace NtkProofs.Measurements;

/// <summary>How Z and k of one row were obtained.</summary>
public enum ZkSource
{
    /// <summary>Z = 0, k = 0: plain attention over X, the prefix ignored (the baseline every method must beat).</summary>
    ZeroState,

    /// <summary>The closed form Z(P), k(P).</summary>
    ClosedForm,

    /// <summary>Fitted with Adam to match PrefixAttn(X; P) on fresh X each step.</summary>
    Trained,
}

/// <summary>Held-out error of NTK-Attention against exact prefix attention, for one m, feature map and source of Z, k.</summary>
/// <param name="PrefixLength">m.</param>
/// <param name="FeatureMap">phi's name (empty for the zero state, which has no phi).</param>
/// <param name="FeatureCount">r (0 for the zero state).</param>
/// <param name="Source">How Z, k were obtained.</param>
/// <param name="MeanSquaredError">Mean over held-out entries of (NTK-Attn - PrefixAttn)^2 (the paper's metric, without its rescaling).</param>
/// <param name="RelativeError">||NTK-Attn - PrefixAttn||_F / ||PrefixAttn||_F over the held-out draws.</param>
/// <param name="MaxAbsError">max |NTK-Attn - PrefixAttn| over the held-out draws.</param>
/// <param name="FinalTrainLoss">Mean training loss over the last 10% of steps (NaN unless trained).</param>
/// <param name="Steps">Adam steps (0 unless trained).</param>
/// <param name="Seconds">Wall time of the fit (0 unless trained).</param>
public sealed record TrainedSettingRow(int PrefixLength, string FeatureMap, long FeatureCount, ZkSource Source, double MeanSquaredError, double RelativeError, double MaxAbsError, double FinalTrainLoss, int Steps, double Seconds);
