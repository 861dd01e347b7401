using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// A BERT encoder without pooler (keys <c>embeddings.*</c>, <c>encoder.layer.{i}.*</c>, the Hugging Face names), whose
/// output is <c>last_hidden_state</c>. The padding mask is honoured in every attention; padded positions still get
/// outputs (as in Hugging Face), which poolers must ignore.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    /// <summary>Creates a randomly initialised encoder (PyTorch default initialisation of each layer).</summary>
    /// <param name="config">The encoder shape; validated.</param>
    public BertModel(BertConfig config)
        : base(nameof(BertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validated();
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        RegisterComponents();
    }

    /// <summary>The encoder shape.</summary>
    public BertConfig Config { get; }

    /// <summary>The layers, where adapters hook in.</summary>
    public IReadOnlyList<BertLayer> Layers => encoder.Layers;

    /// <summary>Installs one hook per layer (null entries remove a hook).</summary>
    /// <param name="hooks">One hook per layer, in layer order.</param>
    public void SetAdapters(IReadOnlyList<IAttentionAdapter?> hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        var layers = Layers;
        if (hooks.Count != layers.Count)
        {
            throw new ArgumentException($"expected {layers.Count} layer hooks, got {hooks.Count}", nameof(hooks));
        }

        for (int i = 0; i < layers.Count; i++)
        {
            layers[i].Attention.Self.SetAdapter(hooks[i]);
        }
    }

    /// <summary>last_hidden_state for a tokenized batch (token type 0 everywhere).</summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="attentionMask">int64 or bool [B, L]: 1/true for real tokens, 0/false for padding.</param>
    /// <returns>[B, L, D].</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => Forward(inputIds, attentionMask, skipPadding: false);

    /// <summary>
    /// last_hidden_state, with the per-token blocks (projections, feed-forward, layer norms) on the real tokens alone when
    /// <paramref name="skipPadding"/> is true (see <see cref="TokenLayout"/>): the real tokens' states are the same up to
    /// floating-point rounding, with the same dropout masks for the same seed; the padding positions are then zero instead
    /// of the padded computation's values (which only a reader that ignores the mask sees; false matches Hugging Face there).
    /// </summary>
    /// <param name="inputIds">int64 [B, L].</param>
    /// <param name="attentionMask">int64 or bool [B, L]: 1/true for real tokens, 0/false for padding.</param>
    /// <param name="skipPadding">Whether to skip the padding rows in the per-token blocks.</param>
    /// <returns>[B, L, D].</returns>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, bool skipPadding)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (inputIds.dim() != 2 || attentionMask.dim() != 2 || inputIds.shape[0] != attentionMask.shape[0] || inputIds.shape[1] != attentionMask.shape[1])
        {
            throw new ArgumentException($"input_ids [{string.Join(", ", inputIds.shape)}] and attention_mask [{string.Join(", ", attentionMask.shape)}] must both be [B, L]");
        }

        using var scope = NewDisposeScope();
        var keyMask = attentionMask.dtype == ScalarType.Bool ? attentionMask : attentionMask.ne(0);
        var tokenTypes = zeros_like(inputIds);
        var hidden = embeddings.forward(inputIds, tokenTypes);
        return encoder.Forward(hidden, keyMask, skipPadding).MoveToOuterDisposeScope();
    }
}
