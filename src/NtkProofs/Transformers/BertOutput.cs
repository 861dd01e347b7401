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
    public override Tensor forward(Tensor intermediate, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return layerNorm.forward(dropout.forward(dense.forward(intermediate)) + residual).MoveToOuterDisposeScope();
    }
}
