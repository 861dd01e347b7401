using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>Attention output projection with dropout, residual and LayerNorm (keys <c>dense</c>, <c>LayerNorm</c>).</summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;

    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm layerNorm;

    private readonly Dropout dropout;

    /// <summary>Creates the block.</summary>
    /// <param name="config">The encoder shape.</param>
    public BertSelfOutput(BertConfig config)
        : base(nameof(BertSelfOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: CPU);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: CPU);
        dropout = nn.Dropout(config.HiddenDropout);
        RegisterComponents();
    }

    /// <summary>LayerNorm(dropout(context W_O + b_O) + residual).</summary>
    /// <param name="context">Merged attention context, [B, L, D].</param>
    /// <param name="residual">The layer input, [B, L, D].</param>
    public override Tensor forward(Tensor context, Tensor residual) => Forward(context, residual, null);

    /// <summary>
    /// The block on the real tokens alone when <paramref name="layout"/> is given ([T, ...] inputs and output). In training
    /// the dropout mask is drawn over the padded [B, L, D] layout, as without a layout, so that the same seed gives the same
    /// masks either way.
    /// </summary>
    /// <param name="context">The block input, in the layout of <paramref name="residual"/>.</param>
    /// <param name="residual">The residual, [B, L, D] or [T, D].</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    public Tensor Forward(Tensor context, Tensor residual, TokenLayout? layout)
    {
        using var scope = NewDisposeScope();
        var dropped = TokenLayout.Dropout(dropout, dense.forward(context), layout, training);
        return layerNorm.forward(dropped + residual).MoveToOuterDisposeScope();
    }
}
