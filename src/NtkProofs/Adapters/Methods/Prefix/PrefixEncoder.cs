using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The learned prefixes of every layer (PEFT's <c>PrefixEncoder</c>, from P-Tuning v2). Without projection, an embedding
/// table <c>embedding.weight</c> of shape [m, layers x 2 x D]; with projection, <c>embedding.weight</c> [m, D] passed
/// through <c>transform_in</c> (D -> E), tanh and <c>transform_out</c> (E -> layers x 2 x D). D = heads x d_h. The output
/// for a layer is laid out as [2 (key, value), heads, m, d_h].
/// </summary>
public sealed class PrefixEncoder : nn.Module
{
    private readonly Embedding embedding;

    [ComponentName(Name = "transform_in")]
    private readonly Linear? transformIn;

    [ComponentName(Name = "transform_out")]
    private readonly Linear? transformOut;

    private readonly int length;
    private readonly int layers;
    private readonly int heads;
    private readonly int headDim;

    /// <summary>Creates the prefixes (embedding N(0, 1) as in PEFT; Linear layers with PyTorch's default init).</summary>
    /// <param name="config">Prefix length and projection.</param>
    /// <param name="layers">Number of encoder layers.</param>
    /// <param name="heads">Heads per layer.</param>
    /// <param name="headDim">d_h.</param>
    public PrefixEncoder(PrefixTuningAdapterConfig config, int layers, int heads, int headDim)
        : base(nameof(PrefixEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        length = config.NumVirtualTokens;
        this.layers = layers;
        this.heads = heads;
        this.headDim = headDim;
        int tokenDim = heads * headDim;
        int allLayers = 2 * layers * tokenDim;
        if (config.PrefixProjection)
        {
            int e = config.EncoderWidth(tokenDim);
            embedding = nn.Embedding(length, tokenDim, device: CPU);
            transformIn = nn.Linear(tokenDim, e, device: CPU);
            transformOut = nn.Linear(e, allLayers, device: CPU);
        }
        else
        {
            embedding = nn.Embedding(length, allLayers, device: CPU);
        }

        RegisterComponents();
    }

    /// <summary>The prefix length m.</summary>
    public int Length => length;

    /// <summary>The prefix keys and values of one layer, [2, heads, m, d_h] (index 0 keys, 1 values).</summary>
    /// <param name="layer">The layer index.</param>
    public Tensor LayerKeyValues(int layer)
    {
        if (layer < 0 || layer >= layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer index must be in [0, {layers})");
        }

        using var scope = NewDisposeScope();
        long width = 2L * heads * headDim;
        Tensor rows;
        if (transformIn is null || transformOut is null)
        {
            rows = embedding.weight!.narrow(1, layer * width, width);
        }
        else
        {
            var h = tanh(transformIn.forward(embedding.weight!));
            var w = transformOut.weight!.narrow(0, layer * width, width);
            var b = transformOut.bias!.narrow(0, layer * width, width);
            rows = nn.functional.linear(h, w, b);
        }

        return rows.view(length, 2, heads, headDim).permute(1, 2, 0, 3).MoveToOuterDisposeScope();
    }
}
