using NtkProofs.Pretrained;
using NtkProofs.Tokenization;
using NtkProofs.Transformers;

namespace NtkProofs.Tests.Support;

/// <summary>The pretrained all-MiniLM-L6-v2 encoder, tokenizer and ONNX bytes, loaded once for every test that needs them.</summary>
public sealed class MiniLmFixture : IDisposable
{
    private readonly Lazy<byte[]> onnx = new(MiniLmPackage.ReadOnnx);
    private readonly Lazy<BertModel> model = new(PretrainedMiniLm.LoadModel);
    private readonly Lazy<BertTextTokenizer> tokenizer = new(PretrainedMiniLm.LoadTokenizer);

    /// <summary>The ONNX bytes (the ORT oracle's input).</summary>
    public byte[] Onnx => onnx.Value;

    /// <summary>The TorchSharp encoder in evaluation mode. Tests must not modify it.</summary>
    public BertModel Model => model.Value;

    /// <summary>The tokenizer.</summary>
    public BertTextTokenizer Tokenizer => tokenizer.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (model.IsValueCreated)
        {
            model.Value.Dispose();
        }
    }
}

/// <summary>Tests that share <see cref="MiniLmFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "MiniLM";
}
