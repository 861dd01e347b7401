using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// The real (non-padding) tokens of a padded batch, for running the per-token blocks of an encoder layer (the Q, K, V and
/// output projections, the feed-forward block, the layer norms) on them alone: <see cref="Pack"/> keeps the rows of
/// [B, L, D] whose mask is true as [T, D], <see cref="Unpack"/> puts [T, D] back as [B, L, D] with zeros at the padding.
/// Both are differentiable. The per-token blocks give the same real-token rows either way (up to floating-point rounding:
/// the products have T rows instead of B L); padding positions are never read by a real token (the attention masks them
/// as keys) and are zero in the unpacked output. With padded batches of sentences about half the rows are padding.
/// </summary>
public sealed class TokenLayout : IDisposable
{
    private readonly Tensor index;

    private TokenLayout(Tensor index, long batch, long length)
    {
        this.index = index;
        Batch = batch;
        Length = length;
    }

    /// <summary>B, the sentences.</summary>
    public long Batch { get; }

    /// <summary>L, the padded length.</summary>
    public long Length { get; }

    /// <summary>T, the real tokens.</summary>
    public long Tokens => index.shape[0];

    /// <summary>The layout of <paramref name="keyMask"/>, or null when it has no padding (packing would change nothing).</summary>
    /// <param name="keyMask">bool [B, L], true for real tokens.</param>
    public static TokenLayout? Of(Tensor keyMask)
    {
        ArgumentNullException.ThrowIfNull(keyMask);
        if (keyMask.dim() != 2 || keyMask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"the key mask must be bool [B, L], got {keyMask.dtype} [{string.Join(", ", keyMask.shape)}]", nameof(keyMask));
        }

        if (keyMask.all().item<bool>())
        {
            return null;
        }

        var index = keyMask.reshape(-1).nonzero().squeeze(1).DetachFromDisposeScope();
        return new TokenLayout(index, keyMask.shape[0], keyMask.shape[1]);
    }

    /// <summary>The real-token rows of <paramref name="padded"/>.</summary>
    /// <param name="padded">[B, L, D].</param>
    /// <returns>[T, D].</returns>
    public Tensor Pack(Tensor padded)
    {
        ArgumentNullException.ThrowIfNull(padded);
        if (padded.dim() != 3 || padded.shape[0] != Batch || padded.shape[1] != Length)
        {
            throw new ArgumentException($"expected [{Batch}, {Length}, D], got [{string.Join(", ", padded.shape)}]", nameof(padded));
        }

        return padded.reshape(Batch * Length, padded.shape[2]).index_select(0, index);
    }

    /// <summary><paramref name="packed"/> back in the padded layout, zeros at the padding.</summary>
    /// <param name="packed">[T, D].</param>
    /// <returns>[B, L, D].</returns>
    public Tensor Unpack(Tensor packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        if (packed.dim() != 2 || packed.shape[0] != Tokens)
        {
            throw new ArgumentException($"expected [{Tokens}, D], got [{string.Join(", ", packed.shape)}]", nameof(packed));
        }

        long width = packed.shape[1];
        return zeros(Batch * Length, width, packed.dtype, packed.device).index_copy(0, index, packed).view(Batch, Length, width);
    }

    /// <summary>
    /// <paramref name="dropout"/> applied to <paramref name="x"/> in the layout of <paramref name="layout"/>: in training the
    /// mask is drawn over the padded [B, L, D] layout, so that a seed gives the padded computation's masks.
    /// </summary>
    /// <param name="dropout">The dropout module.</param>
    /// <param name="x">[B, L, D] without a layout, [T, D] with one.</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    /// <param name="training">Whether the caller is in training mode.</param>
    public static Tensor Dropout(nn.Module<Tensor, Tensor> dropout, Tensor x, TokenLayout? layout, bool training)
    {
        ArgumentNullException.ThrowIfNull(dropout);
        return layout is null || !training ? dropout.forward(x) : layout.Pack(dropout.forward(layout.Unpack(x)));
    }

    /// <inheritdoc/>
    public void Dispose() => index.Dispose();
}
