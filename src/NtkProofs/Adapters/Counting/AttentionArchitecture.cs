using NtkProofs.Transformers;

namespace NtkProofs.Adapters.Counting;

/// <summary>
/// The attention shape of a transformer, all that adapter parameter counts depend on. <see cref="KvHeads"/> is the
/// number of key/value heads (groups): equal to <see cref="Heads"/> for multi-head attention, smaller for multi-query
/// or grouped-query attention (ChatGLM3: 2 groups; LLaMA-3.1: 8).
/// </summary>
/// <param name="Name">A display name.</param>
/// <param name="Layers">Attention layers.</param>
/// <param name="Heads">Query heads per layer.</param>
/// <param name="HeadDim">d_h.</param>
/// <param name="HiddenSize">Model width (input of the Q/K/V projections).</param>
/// <param name="KvHeads">Key/value heads per layer.</param>
/// <param name="BaseParameters">All parameters of the base model when known (for full fine-tuning counts), else null.</param>
public sealed record AttentionArchitecture(string Name, int Layers, int Heads, int HeadDim, int HiddenSize, int KvHeads, long? BaseParameters = null)
{
    /// <summary>ChatGLM3-6B: 28 layers, 32 heads of 128, hidden 4096, multi-query attention with 2 groups.</summary>
    public static AttentionArchitecture ChatGlm3_6B { get; } = new("ChatGLM3-6B", 28, 32, 128, 4096, 2);

    /// <summary>ViT-B/16: 12 layers, 12 heads of 64, hidden 768.</summary>
    public static AttentionArchitecture VitB16 { get; } = new("ViT-B/16", 12, 12, 64, 768, 12);

    /// <summary>LLaMA-3.1-8B: 32 layers, 32 heads of 128, hidden 4096, 8 key/value heads.</summary>
    public static AttentionArchitecture Llama31_8B { get; } = new("LLaMA-3.1-8B", 32, 32, 128, 4096, 8);

    /// <summary>Query width heads x d_h.</summary>
    public int QueryWidth => Heads * HeadDim;

    /// <summary>Key (and value) width kv heads x d_h: the per-token width of a P-Tuning v2 prefix.</summary>
    public int KvWidth => KvHeads * HeadDim;

    /// <summary>The architecture of a BERT encoder, with its exact parameter count (no pooler).</summary>
    /// <param name="config">The BERT shape.</param>
    /// <param name="name">A display name.</param>
    public static AttentionArchitecture FromBert(BertConfig config, string name = "BERT")
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(name, config.NumLayers, config.NumHeads, config.HeadDim, config.HiddenSize, config.NumHeads, ParameterCounter.CountBert(config));
    }
}
