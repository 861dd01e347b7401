using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>Mean of the token states over real (non-padding) tokens, the sentence-transformers pooling.</summary>
public static class MeanPooling
{
    /// <summary>sum_j mask_j h_j / max(sum_j mask_j, 1e-9).</summary>
    /// <param name="hidden">[B, L, D].</param>
    /// <param name="attentionMask">[B, L], 1/true for real tokens.</param>
    /// <returns>[B, D].</returns>
    public static Tensor Pool(Tensor hidden, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(attentionMask);
        using var scope = NewDisposeScope();
        var mask = attentionMask.to_type(hidden.dtype).unsqueeze(-1);
        return ((hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)).MoveToOuterDisposeScope();
    }
}
