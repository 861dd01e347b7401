using static TorchSharp.torch;

namespace NtkProofs.Tokenization;

/// <summary>
/// A padded batch of token ids with its attention mask (1 for real tokens, 0 for padding), both int64 [B, L], padded to
/// the longest sequence of the batch. Owns its tensors.
/// </summary>
public sealed class TokenBatch : IDisposable
{
    /// <summary>Wraps existing tensors (takes ownership).</summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="attentionMask">int64 [B, L] of 0/1.</param>
    public TokenBatch(Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (inputIds.dim() != 2 || !inputIds.shape.SequenceEqual(attentionMask.shape))
        {
            throw new ArgumentException($"input_ids [{string.Join(", ", inputIds.shape)}] and attention_mask [{string.Join(", ", attentionMask.shape)}] must both be [B, L]");
        }

        InputIds = inputIds;
        AttentionMask = attentionMask;
    }

    /// <summary>Token ids, int64 [B, L].</summary>
    public Tensor InputIds { get; }

    /// <summary>Attention mask, int64 [B, L].</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Batch size.</summary>
    public long Count => InputIds.shape[0];

    /// <summary>Padded length.</summary>
    public long Length => InputIds.shape[1];

    /// <summary>Builds a batch from id lists, padding with <paramref name="padId"/> to the longest.</summary>
    /// <param name="sequences">Token ids per example (already with special tokens).</param>
    /// <param name="padId">The padding id.</param>
    /// <param name="device">Where the tensors live (null: TorchSharp's default device, the CPU unless changed).</param>
    public static TokenBatch FromSequences(IReadOnlyList<IReadOnlyList<int>> sequences, int padId, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one sequence", nameof(sequences));
        }

        int length = sequences.Max(s => s.Count);
        var ids = new long[sequences.Count * length];
        var mask = new long[sequences.Count * length];
        for (int i = 0; i < sequences.Count; i++)
        {
            for (int j = 0; j < length; j++)
            {
                bool real = j < sequences[i].Count;
                ids[(i * length) + j] = real ? sequences[i][j] : padId;
                mask[(i * length) + j] = real ? 1 : 0;
            }
        }

        return new TokenBatch(tensor(ids, [sequences.Count, length], device: device), tensor(mask, [sequences.Count, length], device: device));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
