using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// The per-layer hook an adapter installs in <see cref="BertSelfAttention"/>. The self-attention calls, in order:
/// <see cref="AdaptQuery"/>, <see cref="AdaptKey"/>, <see cref="AdaptValue"/> on the projected [B, L, H d_h] tensors
/// (LoRA adds its low-rank update here), then <see cref="Attend"/> on the head-split Q, K, V and the padding mask
/// (prefix tuning prepends its keys and values; NTK-Attention adds phi(Q) Z and phi(Q) k). Every method may return its
/// input unchanged; <see cref="LayerAdapter"/> is the pass-through base class.
/// </summary>
public interface IAttentionAdapter
{
    /// <summary>Adapts the projected queries.</summary>
    /// <param name="hidden">The layer input X, [B, L, D].</param>
    /// <param name="query">X W_Q + b_Q, [B, L, H d_h].</param>
    /// <returns>The queries to use, [B, L, H d_h].</returns>
    Tensor AdaptQuery(Tensor hidden, Tensor query);

    /// <summary>Adapts the projected keys.</summary>
    /// <param name="hidden">The layer input X, [B, L, D].</param>
    /// <param name="key">X W_K + b_K, [B, L, H d_h].</param>
    /// <returns>The keys to use, [B, L, H d_h].</returns>
    Tensor AdaptKey(Tensor hidden, Tensor key);

    /// <summary>Adapts the projected values.</summary>
    /// <param name="hidden">The layer input X, [B, L, D].</param>
    /// <param name="value">X W_V + b_V, [B, L, H d_h].</param>
    /// <returns>The values to use, [B, L, H d_h].</returns>
    Tensor AdaptValue(Tensor hidden, Tensor value);

    /// <summary>Computes the attention context.</summary>
    /// <param name="inputs">Q, K, V [B, H, L, d_h], the padding mask and the layer index.</param>
    /// <returns>The context, [B, H, L, d_h].</returns>
    Tensor Attend(AttentionInputs inputs);
}
