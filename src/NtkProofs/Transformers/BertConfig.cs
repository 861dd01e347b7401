using System.Text.Json.Serialization;

namespace NtkProofs.Transformers;

/// <summary>
/// The shape of a BERT encoder (Hugging Face <c>BertConfig</c> names in snake case when serialized). Immutable;
/// <see cref="Validated"/> checks it. Absolute position embeddings, post-LayerNorm, erf-GELU feed-forward.
/// </summary>
/// <param name="VocabSize">Word-piece vocabulary size.</param>
/// <param name="HiddenSize">Model width D = heads x d_h.</param>
/// <param name="NumLayers">Number of encoder layers.</param>
/// <param name="NumHeads">Attention heads per layer.</param>
/// <param name="IntermediateSize">Feed-forward width.</param>
/// <param name="MaxPositions">Number of learned absolute positions.</param>
/// <param name="TypeVocabSize">Number of token types (segments).</param>
/// <param name="LayerNormEps">LayerNorm epsilon.</param>
/// <param name="HiddenDropout">Dropout on embeddings and on every residual branch (training only).</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities (training only).</param>
public sealed record BertConfig(
    [property: JsonPropertyName("vocab_size")] int VocabSize,
    [property: JsonPropertyName("hidden_size")] int HiddenSize,
    [property: JsonPropertyName("num_hidden_layers")] int NumLayers,
    [property: JsonPropertyName("num_attention_heads")] int NumHeads,
    [property: JsonPropertyName("intermediate_size")] int IntermediateSize,
    [property: JsonPropertyName("max_position_embeddings")] int MaxPositions,
    [property: JsonPropertyName("type_vocab_size")] int TypeVocabSize,
    [property: JsonPropertyName("layer_norm_eps")] double LayerNormEps,
    [property: JsonPropertyName("hidden_dropout_prob")] double HiddenDropout,
    [property: JsonPropertyName("attention_probs_dropout_prob")] double AttentionDropout)
{
    /// <summary>sentence-transformers/all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads of 32, FFN 1536, eps 1e-12.</summary>
    public static BertConfig MiniLmL6V2 { get; } = new(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0.1, 0.1);

    /// <summary>Per-head dimension d_h = hidden / heads.</summary>
    [JsonIgnore]
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>
    /// A tiny randomly initialised configuration for fast tests (2 layers, hidden 16, 4 heads of 4, FFN 32, 128 tokens,
    /// 64 positions, no dropout unless asked).
    /// </summary>
    /// <param name="dropout">Hidden and attention dropout probability.</param>
    public static BertConfig Tiny(double dropout = 0.0) => new(128, 16, 2, 4, 32, 64, 2, 1e-12, dropout, dropout);

    /// <summary>Returns this configuration after checking every field; throws <see cref="ArgumentException"/> naming the field.</summary>
    public BertConfig Validated()
    {
        Require(VocabSize > 0, nameof(VocabSize), VocabSize);
        Require(HiddenSize > 0, nameof(HiddenSize), HiddenSize);
        Require(NumLayers > 0, nameof(NumLayers), NumLayers);
        Require(NumHeads > 0, nameof(NumHeads), NumHeads);
        Require(IntermediateSize > 0, nameof(IntermediateSize), IntermediateSize);
        Require(MaxPositions > 0, nameof(MaxPositions), MaxPositions);
        Require(TypeVocabSize > 0, nameof(TypeVocabSize), TypeVocabSize);
        Require(LayerNormEps > 0 && double.IsFinite(LayerNormEps), nameof(LayerNormEps), LayerNormEps);
        Require(HiddenDropout is >= 0 and < 1, nameof(HiddenDropout), HiddenDropout);
        Require(AttentionDropout is >= 0 and < 1, nameof(AttentionDropout), AttentionDropout);
        if (HiddenSize % NumHeads != 0)
        {
            throw new ArgumentException($"hidden size {HiddenSize} is not divisible by the number of heads {NumHeads}", nameof(NumHeads));
        }

        return this;
    }

    private static void Require(bool ok, string name, double value)
    {
        if (!ok)
        {
            throw new ArgumentException(FormattableString.Invariant($"BertConfig.{name} = {value} is out of range"), name);
        }
    }
}
