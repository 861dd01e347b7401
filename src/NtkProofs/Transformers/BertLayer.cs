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
    public override Tensor forward(Tensor hidden, Tensor keyMask) => Forward(hidden, keyMask, null);

    /// <summary>Layer output in the layout of <paramref name="hidden"/>: with a layout, every per-token block runs on the real tokens alone.</summary>
    /// <param name="hidden">[B, L, D], or its real tokens [T, D] when <paramref name="layout"/> is given.</param>
    /// <param name="keyMask">bool [B, L].</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    public Tensor Forward(Tensor hidden, Tensor keyMask, TokenLayout? layout)
    {
        using var scope = NewDisposeScope();
        var attended = attention.Forward(hidden, keyMask, layout);
        return output.Forward(intermediate.forward(attended), attended, layout).MoveToOuterDisposeScope();
    }
}
