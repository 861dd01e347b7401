using Microsoft.ML.Tokenizers;

namespace NtkProofs.Tokenization;

/// <summary>
/// Uncased BERT word-piece tokenization (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>) with Hugging Face's
/// conventions: [CLS] tokens [SEP], truncation of the word pieces to <c>maxLength - 2</c> before the special tokens are
/// added, and padding to the longest sequence of a batch.
/// </summary>
public sealed class BertTextTokenizer
{
    private readonly BertTokenizer tokenizer;

    private BertTextTokenizer(BertTokenizer tokenizer) => this.tokenizer = tokenizer;

    /// <summary>The [PAD] id.</summary>
    public int PadId => tokenizer.PaddingTokenId;

    /// <summary>The [CLS] id.</summary>
    public int ClsId => tokenizer.ClassificationTokenId;

    /// <summary>The [SEP] id.</summary>
    public int SepId => tokenizer.SeparatorTokenId;

    /// <summary>Creates the tokenizer from a vocab.txt stream (lower-casing, basic tokenization, accent stripping).</summary>
    /// <param name="vocabulary">vocab.txt, one token per line.</param>
    public static BertTextTokenizer Create(Stream vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var options = new BertOptions { LowerCaseBeforeTokenization = true, ApplyBasicTokenization = true, RemoveNonSpacingMarks = true };
        return new BertTextTokenizer(BertTokenizer.Create(vocabulary, options));
    }

    /// <summary>Token ids of one text with [CLS] and [SEP], at most <paramref name="maxLength"/> ids.</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxLength">Maximum length including the two special tokens (at least 2).</param>
    public IReadOnlyList<int> Encode(string text, int maxLength = 512)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "max length must leave room for [CLS] and [SEP]");
        }

        var pieces = tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        int keep = Math.Min(pieces.Count, maxLength - 2);
        var ids = new List<int>(keep + 2) { ClsId };
        for (int i = 0; i < keep; i++)
        {
            ids.Add(pieces[i]);
        }

        ids.Add(SepId);
        return ids;
    }

    /// <summary>Tokenizes and pads a batch of texts.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="maxLength">Maximum length per text including the special tokens.</param>
    /// <param name="device">Where the batch's tensors live (null: TorchSharp's default device, the CPU unless changed).</param>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, int maxLength, TorchSharp.torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return TokenBatch.FromSequences(texts.Select(t => Encode(t, maxLength)).ToList(), PadId, device);
    }
}
