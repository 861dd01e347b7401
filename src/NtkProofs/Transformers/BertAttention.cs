using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>Self-attention followed by its output block (keys <c>self</c>, <c>output</c>).</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "self")]
    private readonly BertSelfAttention selfAttention;

    private readonly BertSelfOutput output;

    /// <summary>Creates the block.</summary>
    /// <param name="config">The encoder shape.</param>
    /// <param name="layerIndex">Index of the layer.</param>
    public BertAttention(BertConfig config, int layerIndex)
        : base(nameof(BertAttention))
    {
        selfAttention = new BertSelfAttention(config, layerIndex);
        output = new BertSelfOutput(config);
        RegisterComponents();
    }

    /// <summary>The self-attention, where adapters hook in.</summary>
    public BertSelfAttention Self => selfAttention;

    /// <summary>Attention block output, [B, L, D].</summary>
    /// <param name="hidden">Layer input, [B, L, D].</param>
    /// <param name="keyMask">bool [B, L].</param>
    public override Tensor forward(Tensor hidden, Tensor keyMask) => Forward(hidden, keyMask, null);

    /// <summary>Attention block output in the layout of <paramref name="hidden"/>.</summary>
    /// <param name="hidden">Layer input, [B, L, D], or its real tokens [T, D] when <paramref name="layout"/> is given.</param>
    /// <param name="keyMask">bool [B, L].</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    public Tensor Forward(Tensor hidden, Tensor keyMask, TokenLayout? layout)
    {
        using var scope = NewDisposeScope();
        return output.Forward(selfAttention.Forward(hidden, keyMask, layout), hidden, layout).MoveToOuterDisposeScope();
    }
}
