using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// What an attention computation receives from <see cref="BertSelfAttention"/>: heads already split, after any
/// projection adapters. The tensors belong to the caller's dispose scope; do not dispose them.
/// </summary>
/// <param name="Query">Q, [B, H, L, d_h].</param>
/// <param name="Key">K, [B, H, L, d_h].</param>
/// <param name="Value">V, [B, H, L, d_h].</param>
/// <param name="KeyMask">Padding mask, bool [B, L]: true for a real token that may be attended to, false for padding.</param>
/// <param name="LayerIndex">Index of the encoder layer (0-based).</param>
/// <param name="DropoutProbability">Attention-probability dropout to apply (0 in evaluation mode).</param>
public readonly record struct AttentionInputs(Tensor Query, Tensor Key, Tensor Value, Tensor KeyMask, int LayerIndex, double DropoutProbability)
{
    /// <summary>Batch size B.</summary>
    public long Batch => Query.shape[0];

    /// <summary>Heads H.</summary>
    public long Heads => Query.shape[1];

    /// <summary>Sequence length L.</summary>
    public long Length => Query.shape[2];

    /// <summary>Head dimension d_h.</summary>
    public long HeadDim => Query.shape[3];

    /// <summary>The score scale 1 / sqrt(d_h).</summary>
    public double Scale => 1.0 / Math.Sqrt(HeadDim);
}
