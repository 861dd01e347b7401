using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>Feed-forward expansion with the exact (erf) GELU (key <c>dense</c>).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    /// <summary>Creates the block.</summary>
    /// <param name="config">The encoder shape.</param>
    public BertIntermediate(BertConfig config)
        : base(nameof(BertIntermediate))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize, device: CPU);
        RegisterComponents();
    }

    /// <summary>GELU(x W_1 + b_1), [B, L, FFN].</summary>
    /// <param name="hidden">[B, L, D].</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return nn.functional.gelu(dense.forward(hidden)).MoveToOuterDisposeScope();
    }
}
