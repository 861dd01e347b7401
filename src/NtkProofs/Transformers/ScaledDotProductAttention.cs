using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// softmax(Q K^T / sqrt(d_h) + mask) V with a key padding mask, the attention of BERT. Masked keys get the most
/// negative finite value of the dtype before the (max-shifted) softmax, so their weight is exactly 0 whenever a row has
/// at least one real key. Uses batched <c>bmm</c> on validated shapes (TorchSharp's <c>matmul</c> aborts the process on
/// a shape mismatch).
/// </summary>
public static class ScaledDotProductAttention
{
    /// <summary>Attention of <paramref name="inputs"/>' queries over its keys and values.</summary>
    /// <param name="inputs">Q [B, H, Lq, d_h], K and V [B, H, Lk, d_h], key mask bool [B, Lk].</param>
    /// <param name="training">Whether to apply <see cref="AttentionInputs.DropoutProbability"/>.</param>
    /// <returns>The context, [B, H, Lq, d_h].</returns>
    public static Tensor Compute(AttentionInputs inputs, bool training) =>
        Compute(inputs.Query, inputs.Key, inputs.Value, inputs.KeyMask, training ? inputs.DropoutProbability : 0.0);

    /// <summary>Attention with explicit tensors; keys and values may be longer than the queries (prefix keys).</summary>
    /// <param name="query">Q, [B, H, Lq, d_h].</param>
    /// <param name="key">K, [B, H, Lk, d_h].</param>
    /// <param name="value">V, [B, H, Lk, d_v].</param>
    /// <param name="keyMask">bool [B, Lk], true where the key may be attended to.</param>
    /// <param name="dropout">Dropout probability on the attention weights (0 for none).</param>
    /// <returns>The context, [B, H, Lq, d_v].</returns>
    public static Tensor Compute(Tensor query, Tensor key, Tensor value, Tensor keyMask, double dropout)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(keyMask);
        ValidateShapes(query, key, value, keyMask);
        long b = query.shape[0], h = query.shape[1], lq = query.shape[2], d = query.shape[3], lk = key.shape[2], dv = value.shape[3];
        using var scope = NewDisposeScope();
        var q = query.reshape(b * h, lq, d);
        var k = key.reshape(b * h, lk, d);
        var v = value.reshape(b * h, lk, dv);
        var scores = q.bmm(k.transpose(1, 2)).mul(1.0 / Math.Sqrt(d)).view(b, h, lq, lk);
        var blocked = keyMask.logical_not().view(b, 1, 1, lk);
        scores = scores.masked_fill(blocked, MostNegative(scores.dtype));
        var weights = nn.functional.softmax(scores, -1);
        if (dropout > 0)
        {
            weights = nn.functional.dropout(weights, dropout, training: true);
        }

        return weights.view(b * h, lq, lk).bmm(v).view(b, h, lq, dv).MoveToOuterDisposeScope();
    }

    /// <summary>The most negative finite value of a floating dtype (the masked score).</summary>
    /// <param name="dtype">float32, float64, float16 or bfloat16.</param>
    public static double MostNegative(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float32 => float.MinValue,
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "attention scores must be floating point"),
    };

    private static void ValidateShapes(Tensor query, Tensor key, Tensor value, Tensor keyMask)
    {
        if (query.dim() != 4 || key.dim() != 4 || value.dim() != 4)
        {
            throw new ArgumentException($"Q, K, V must be [B, H, L, d_h]; got [{Shape(query)}], [{Shape(key)}], [{Shape(value)}]");
        }

        bool ok = key.shape[0] == query.shape[0] && value.shape[0] == query.shape[0]
            && key.shape[1] == query.shape[1] && value.shape[1] == query.shape[1]
            && key.shape[3] == query.shape[3] && value.shape[2] == key.shape[2];
        if (!ok)
        {
            throw new ArgumentException($"incompatible attention shapes: Q [{Shape(query)}], K [{Shape(key)}], V [{Shape(value)}]");
        }

        if (keyMask.dim() != 2 || keyMask.shape[0] != query.shape[0] || keyMask.shape[1] != key.shape[2] || keyMask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"key mask must be bool [B, Lk] = [{query.shape[0]}, {key.shape[2]}], got {keyMask.dtype} [{Shape(keyMask)}]");
        }
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
