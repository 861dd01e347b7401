using NtkProofs.Transformers;

namespace NtkProofs.Adapters.Counting;

/// <summary>
/// Exact trainable-parameter counts from configuration objects alone (no weights), the formulas behind PAPER.md's table
/// (each method's formula lives in its <see cref="IAdapterMethod"/> under <c>Adapters/Methods/</c>):
/// <list type="bullet">
/// <item>NTK-Attention: layers x heads x (r d_h + r) with a full Z, layers x heads x (r s + s d_h + r) with Z = Z_A Z_B.</item>
/// <item>LoRA: layers x sum over targets of r (in + out); ChatGLM's fused query_key_value is hidden -> (heads + 2 kv heads) d_h.</item>
/// <item>P-Tuning v2: m x layers x 2 x kv width (kv heads x d_h); with the reparameterization MLP, m D + D E + E + E (2 layers D) + 2 layers D, D the kv width.</item>
/// <item>Head only: 0 (the head is counted by <see cref="CountHead"/>); full fine-tuning: every base parameter.</item>
/// </list>
/// </summary>
public static class ParameterCounter
{
    /// <summary>Trainable parameters the adapter adds to (or, for full fine-tuning, unfreezes in) the architecture, excluding any task head.</summary>
    /// <param name="config">The adapter configuration.</param>
    /// <param name="architecture">The attention shape.</param>
    public static long CountAdapter(AdapterConfig config, AttentionArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(architecture);
        return AdapterMethods.For(config).CountParameters(config, architecture);
    }

    /// <summary>Per-head NTK-Attention parameters: r d_h + r (full Z) or r s + s d_h + r (low rank).</summary>
    /// <param name="config">The NTK-Attention configuration.</param>
    /// <param name="headDim">d_h.</param>
    public static long CountNtkPerHead(NtkAttentionAdapterConfig config, int headDim)
    {
        ArgumentNullException.ThrowIfNull(config);
        long r = config.FeatureDimensionFor(headDim);
        return config.Rank is { } s ? (r * s) + ((long)s * headDim) + r : (r * headDim) + r;
    }

    /// <summary>Classification head parameters: hidden x labels + labels.</summary>
    /// <param name="hiddenSize">Input width.</param>
    /// <param name="numLabels">Number of classes.</param>
    public static long CountHead(int hiddenSize, int numLabels) => ((long)hiddenSize * numLabels) + numLabels;

    /// <summary>All parameters of a BERT encoder without pooler (embeddings, layers).</summary>
    /// <param name="config">The BERT shape.</param>
    public static long CountBert(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.HiddenSize, f = config.IntermediateSize;
        long embeddings = ((long)config.VocabSize + config.MaxPositions + config.TypeVocabSize) * d + (2 * d);
        long attention = (4 * ((d * d) + d)) + (2 * d);
        long feedForward = (d * f) + f + (f * d) + d + (2 * d);
        return embeddings + (config.NumLayers * (attention + feedForward));
    }
}
