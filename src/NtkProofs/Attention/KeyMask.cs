using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// A per-key mask over the input keys, [batch, keys], as used for padding. It applies to the input block only: prefix keys
/// and the NTK prefix term are always visible. Build it with <see cref="Keep"/> (Hugging Face <c>attention_mask</c>:
/// nonzero = attend), <see cref="Padding"/> (PyTorch <c>key_padding_mask</c>: true = ignore) or <see cref="Additive"/>
/// (a float bias added to the scores: 0 = attend, a large negative number or -inf = ignore).
/// </summary>
public sealed class KeyMask
{
    private readonly Tensor mask;
    private readonly bool additive;
    private readonly bool keepWhereTrue;

    private KeyMask(Tensor mask, bool additive, bool keepWhereTrue)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() != 2)
        {
            throw new ArgumentException($"a key mask must have shape [batch, keys], got {AttentionShapes.Show(mask)}", nameof(mask));
        }

        this.mask = mask;
        this.additive = additive;
        this.keepWhereTrue = keepWhereTrue;
    }

    /// <summary>Keys with a nonzero (or true) entry are attended, the others ignored.</summary>
    /// <param name="keep">[batch, keys], bool or integer.</param>
    public static KeyMask Keep(Tensor keep) => new(keep, additive: false, keepWhereTrue: true);

    /// <summary>Keys with a true (or nonzero) entry are padding and ignored.</summary>
    /// <param name="padded">[batch, keys], bool or integer.</param>
    public static KeyMask Padding(Tensor padded) => new(padded, additive: false, keepWhereTrue: false);

    /// <summary>A float bias added to every query's score of each key.</summary>
    /// <param name="bias">[batch, keys], float.</param>
    public static KeyMask Additive(Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(bias);
        if (!bias.is_floating_point())
        {
            throw new ArgumentException($"an additive key mask must be a float tensor, got {bias.dtype}", nameof(bias));
        }

        return new(bias, additive: true, keepWhereTrue: true);
    }

    /// <summary>Batch size of the mask.</summary>
    public long Batch => mask.shape[0];

    /// <summary>Number of keys of the mask.</summary>
    public long Keys => mask.shape[1];

    /// <summary>Requires the mask to cover <paramref name="batch"/> x <paramref name="keys"/>.</summary>
    /// <param name="batch">Batch size of the keys.</param>
    /// <param name="keys">Number of input keys.</param>
    public void RequireShape(long batch, long keys)
    {
        if (Batch != batch || Keys != keys)
        {
            throw new ArgumentException($"the key mask must have shape [batch, keys] = [{batch}, {keys}], got {AttentionShapes.Show(mask)} (dimension mismatch)", "keyMask");
        }
    }

    /// <summary>The mask as an additive bias [batch, 1, 1, keys] in <paramref name="dtype"/> on <paramref name="device"/>: 0 or -inf (or the given bias).</summary>
    /// <param name="dtype">Score dtype.</param>
    /// <param name="device">Score device.</param>
    public Tensor AdditiveBias(ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor bias;
        if (additive)
        {
            bias = mask.to(dtype, device);
        }
        else
        {
            var attend = mask.to(device).ne(0);
            if (!keepWhereTrue)
            {
                attend = attend.logical_not();
            }

            bias = zeros(mask.shape, dtype, device).masked_fill(attend.logical_not(), double.NegativeInfinity);
        }

        return bias.reshape(Batch, 1, 1, Keys).MoveToOuterDisposeScope();
    }
}
