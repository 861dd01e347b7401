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
    public override Tensor forward(Tensor context, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return layerNorm.forward(dropout.forward(dense.forward(context)) + residual).MoveToOuterDisposeScope();
    }
}
