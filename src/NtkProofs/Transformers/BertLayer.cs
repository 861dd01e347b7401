using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>One encoder layer: attention block then feed-forward block (keys <c>attention</c>, <c>intermediate</c>, <c>output</c>).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertOutput output;

    /// <summary>Creates the layer.</summary>
    /// <param name="config">The encoder shape.</param>
    /// <param name="layerIndex">Index of the layer.</param>
    public BertLayer(BertConfig config, int layerIndex)
        : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, layerIndex);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config);
        RegisterComponents();
    }

    /// <summary>The attention block.</summary>
    public BertAttention Attention => attention;

    /// <summary>Layer output, [B, L, D].</summary>
    /// <param name="hidden">[B, L, D].</param>
    /// <param name="keyMask">bool [B, L].</param>
    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, keyMask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
