using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>The stack of encoder layers (key <c>layer.{i}</c>).</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    /// <summary>Creates the stack.</summary>
    /// <param name="config">The encoder shape.</param>
    public BertEncoder(BertConfig config)
        : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumLayers).Select(i => new BertLayer(config, i)).ToArray());
        RegisterComponents();
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<BertLayer> Layers => layer.ToList();

    /// <summary>Runs every layer.</summary>
    /// <param name="hidden">Embeddings, [B, L, D].</param>
    /// <param name="keyMask">bool [B, L].</param>
    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var x = hidden;
        foreach (var l in layer)
        {
            x = l.forward(x, keyMask);
        }

        return x.MoveToOuterDisposeScope();
    }
}
