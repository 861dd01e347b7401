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
    public override Tensor forward(Tensor hidden, Tensor keyMask) => Forward(hidden, keyMask, skipPadding: false);

    /// <summary>Runs every layer, with the per-token blocks on the real tokens alone when <paramref name="skipPadding"/> is true (zeros at the padding of the output).</summary>
    /// <param name="hidden">Embeddings, [B, L, D].</param>
    /// <param name="keyMask">bool [B, L].</param>
    /// <param name="skipPadding">Whether to skip the padding rows (<see cref="TokenLayout"/>).</param>
    public Tensor Forward(Tensor hidden, Tensor keyMask, bool skipPadding)
    {
        using var scope = NewDisposeScope();
        using var layout = skipPadding ? TokenLayout.Of(keyMask) : null;
        var x = layout is null ? hidden : layout.Pack(hidden);
        foreach (var l in layer)
        {
            x = l.Forward(x, keyMask, layout);
        }

        return (layout is null ? x : layout.Unpack(x)).MoveToOuterDisposeScope();
    }
}
