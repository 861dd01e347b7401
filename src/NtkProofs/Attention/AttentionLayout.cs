using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Queries, keys, values and key mask of the input block as batched matrices for <see cref="OnlineSoftmax"/>: rows grouped
/// head-major ([H, B, L]: one product per head can then cover all B L queries, as a prefix or Z shared by the batch needs) or
/// batch-major ([B, H, L]: views of the inputs, as a per-batch prefix needs).
/// </summary>
/// <param name="Queries">Scaled queries [G, L, d] (multiplied by 1/sqrt d), contiguous.</param>
/// <param name="Keys">Keys [G, Lk, d].</param>
/// <param name="Values">Values [G, Lk, d_v].</param>
/// <param name="Bias">Additive key-mask bias [G, 1, Lk] (0 or -inf), or null.</param>
/// <param name="HeadMajor">Whether rows are grouped [H, B, L] (else [B, H, L]).</param>
internal sealed record AttentionLayout(Tensor Queries, Tensor Keys, Tensor Values, Tensor? Bias, bool HeadMajor)
{
    /// <summary>Builds the layout from q, k, v [B, H, ·, ·]; the tensors belong to the caller's dispose scope.</summary>
    public static AttentionLayout Of(Tensor q, Tensor k, Tensor v, KeyMask? keyMask, bool headMajor)
    {
        long batch = q.shape[0], heads = q.shape[1], length = q.shape[2], d = q.shape[3], keys = k.shape[2], dv = v.shape[3];
        double scale = 1.0 / Math.Sqrt(d);
        var bias = keyMask?.AdditiveBias(k.dtype, k.device);   // [B, 1, 1, Lk]
        if (headMajor)
        {
            return new AttentionLayout(
                (q.transpose(0, 1) * scale).contiguous().view(heads * batch, length, d),
                k.transpose(0, 1).reshape(heads * batch, keys, d),
                v.transpose(0, 1).reshape(heads * batch, keys, dv),
                bias?.transpose(0, 1).expand(heads, batch, 1, keys).reshape(heads * batch, 1, keys),
                HeadMajor: true);
        }

        return new AttentionLayout(
            (q * scale).contiguous().view(batch * heads, length, d),
            k.reshape(batch * heads, keys, d),
            v.reshape(batch * heads, keys, dv),
            bias?.expand(batch, heads, 1, keys).reshape(batch * heads, 1, keys),
            HeadMajor: false);
    }

    /// <summary>A result [rows, d_v] of this layout as [B, H, L, d_v].</summary>
    public Tensor ToBatchHeads(Tensor result, long batch, long heads, long length) =>
        HeadMajor
            ? result.view(heads, batch, length, -1).transpose(0, 1).contiguous()
            : result.view(batch, heads, length, -1);
}
