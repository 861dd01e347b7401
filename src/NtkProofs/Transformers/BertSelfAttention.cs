using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkProofs.Transformers;

/// <summary>
/// Multi-head self-attention of a BERT layer (keys <c>query</c>, <c>key</c>, <c>value</c>). An adapter hooks in
/// through <see cref="SetAdapter"/>: the hook is a reference, not a registered submodule, so the base model's state
/// dict never changes; the adapter's parameters are registered by the adapter module that owns the hook.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly int headDim;
    private readonly int layerIndex;
    private readonly double attentionDropout;
    private IAttentionAdapter? adapter;

    /// <summary>Creates randomly initialised projections.</summary>
    /// <param name="config">The encoder shape.</param>
    /// <param name="layerIndex">Index of the layer this attention belongs to.</param>
    public BertSelfAttention(BertConfig config, int layerIndex)
        : base(nameof(BertSelfAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        query = nn.Linear(config.HiddenSize, config.HiddenSize, device: CPU);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, device: CPU);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, device: CPU);
        heads = config.NumHeads;
        headDim = config.HeadDim;
        this.layerIndex = layerIndex;
        attentionDropout = config.AttentionDropout;
        RegisterComponents();
    }

    /// <summary>The installed hook, or null for plain attention.</summary>
    public IAttentionAdapter? Adapter => adapter;

    /// <summary>The frozen W_Q projection (read-only use by adapters and tests).</summary>
    public Linear Query => query;

    /// <summary>The W_K projection.</summary>
    public Linear Key => key;

    /// <summary>The W_V projection.</summary>
    public Linear Value => value;

    /// <summary>Installs (or, with null, removes) the per-layer adapter hook.</summary>
    /// <param name="hook">The hook.</param>
    public void SetAdapter(IAttentionAdapter? hook) => adapter = hook;

    /// <summary>Self-attention of <paramref name="hidden"/> under the padding mask.</summary>
    /// <param name="hidden">X, [B, L, D].</param>
    /// <param name="keyMask">bool [B, L], true for real tokens.</param>
    /// <returns>The merged context, [B, L, D] (before the output projection).</returns>
    public override Tensor forward(Tensor hidden, Tensor keyMask) => Forward(hidden, keyMask, null);

    /// <summary>
    /// Self-attention, with the Q, K, V projections on the real tokens alone when <paramref name="layout"/> is given: the
    /// adapter hooks and the attention still see the padded [B, L, ...] layout (zeros at the padding).
    /// </summary>
    /// <param name="hidden">X, [B, L, D], or its real tokens [T, D] when <paramref name="layout"/> is given.</param>
    /// <param name="keyMask">bool [B, L], true for real tokens.</param>
    /// <param name="layout">The real tokens of the batch, or null for the padded layout.</param>
    /// <returns>The merged context in the layout of <paramref name="hidden"/> (before the output projection).</returns>
    public Tensor Forward(Tensor hidden, Tensor keyMask, TokenLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        using var scope = NewDisposeScope();
        var q = query.forward(hidden);
        var k = key.forward(hidden);
        var v = value.forward(hidden);
        if (layout is not null)
        {
            q = layout.Unpack(q);
            k = layout.Unpack(k);
            v = layout.Unpack(v);
        }

        if (adapter is not null)
        {
            var padded = layout is null ? hidden : layout.Unpack(hidden);
            q = adapter.AdaptQuery(padded, q);
            k = adapter.AdaptKey(padded, k);
            v = adapter.AdaptValue(padded, v);
        }

        var inputs = new AttentionInputs(SplitHeads(q), SplitHeads(k), SplitHeads(v), keyMask, layerIndex, attentionDropout);
        var context = adapter is null ? ScaledDotProductAttention.Compute(inputs, training) : adapter.Attend(inputs);
        long b = keyMask.shape[0], l = keyMask.shape[1];
        var merged = context.transpose(1, 2).reshape(b, l, heads * headDim);
        return (layout is null ? merged : layout.Pack(merged)).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2);
}
