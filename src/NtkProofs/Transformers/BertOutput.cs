using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>Feed-forward contraction with dropout, residual and LayerNorm (keys <c>dense</c>, <c>LayerNorm</c>).</summary>
public sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;

    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm layerNorm;

    private readonly Dropout dropout;

    /// <summary>Creates the block.</summary>
    /// <param name="config">The encoder shape.</param>
    public BertOutput(BertConfig config)
        : base(nameof(BertOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize, device: CPU);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: CPU);
        dropout = nn.Dropout(config.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>LayerNorm(dropout(h W_2 + b_2) + residual).</summary>
    /// <param name="intermediate">[B, L, FFN].</param>
    /// <param name="residual">[B, L, D].</param>
    public override Tensor forward(Tensor intermediate, Tensor residual) => Forward(intermediate, residual, null);

    /// <summary>
    /// The block on the real tokens alone when <paramref name="layout"/> is given ([T, ...] inputs and output). In training
    /// the dropout mask is drawn over the padded [B, L, D] layout, as without a layout, so that the same seed gives the same
    /// masks either way.
    /// </summary>
    /// <param name="intermediate">The block input, in the layout of <paramref name="residual"/>.</param>
    /// <param name="residual">The residual, [B, L, D] or [T, D].</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    public Tensor Forward(Tensor intermediate, Tensor residual, TokenLayout? layout)
    {
        using var scope = NewDisposeScope();
        var dropped = TokenLayout.Dropout(dropout, dense.forward(intermediate), layout, training);
        return layerNorm.forward(dropped + residual).MoveToOuterDisposeScope();
    }
}
