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
    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        return output.forward(selfAttention.forward(hidden, keyMask), hidden).MoveToOuterDisposeScope();
    }
}
