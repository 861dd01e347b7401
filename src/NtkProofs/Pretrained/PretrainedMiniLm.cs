using NtkProofs.Tokenization;
using NtkProofs.Transformers;

namespace NtkProofs.Pretrained;

/// <summary>Builds all-MiniLM-L6-v2 (encoder and tokenizer) from <see cref="MiniLmPackage"/>.</summary>
public static class PretrainedMiniLm
{
    /// <summary>A float32 CPU <see cref="BertModel"/> with the pretrained weights, in evaluation mode.</summary>
    public static BertModel LoadModel()
    {
        var weights = OnnxBertWeights.Read(MiniLmPackage.ReadOnnx());
        var model = new BertModel(BertConfig.MiniLmL6V2);
        BertWeightImporter.Load(model, weights);
        model.eval();
        return model;
    }

    /// <summary>The model's uncased word-piece tokenizer.</summary>
    public static BertTextTokenizer LoadTokenizer()
    {
        using var vocab = new MemoryStream(MiniLmPackage.ReadVocabulary());
        return BertTextTokenizer.Create(vocab);
    }
}
