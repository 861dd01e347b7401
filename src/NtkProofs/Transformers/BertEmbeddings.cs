using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// BERT embeddings: word + absolute position + token type, then LayerNorm and dropout. State-dict keys match Hugging
/// Face (<c>word_embeddings</c>, <c>position_embeddings</c>, <c>token_type_embeddings</c>, <c>LayerNorm</c>).
/// </summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "word_embeddings")]
    private readonly Embedding wordEmbeddings;

    [ComponentName(Name = "position_embeddings")]
    private readonly Embedding positionEmbeddings;

    [ComponentName(Name = "token_type_embeddings")]
    private readonly Embedding tokenTypeEmbeddings;

    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm layerNorm;

    private readonly Dropout dropout;

    private readonly int maxPositions;

    /// <summary>Creates randomly initialised embeddings for <paramref name="config"/>.</summary>
    /// <param name="config">The encoder shape.</param>
    public BertEmbeddings(BertConfig config)
        : base(nameof(BertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        wordEmbeddings = nn.Embedding(config.VocabSize, config.HiddenSize, device: CPU);
        positionEmbeddings = nn.Embedding(config.MaxPositions, config.HiddenSize, device: CPU);
        tokenTypeEmbeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: CPU);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: CPU);
        dropout = nn.Dropout(config.HiddenDropout);
        maxPositions = config.MaxPositions;
        RegisterComponents();
    }

    /// <summary>Embeds token ids.</summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="tokenTypeIds">int64 [B, L].</param>
    /// <returns>[B, L, D].</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        long length = inputIds.shape[1];
        if (length > maxPositions)
        {
            throw new ArgumentException($"sequence length {length} exceeds the {maxPositions} learned positions");
        }

        using var scope = NewDisposeScope();
        var positions = arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        var sum = wordEmbeddings.forward(inputIds) + tokenTypeEmbeddings.forward(tokenTypeIds) + positionEmbeddings.forward(positions);
        return dropout.forward(layerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
