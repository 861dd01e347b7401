using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// Prepends one layer's prefix keys and values to the layer's own and attends over both: queries come from the input
/// only, every query sees every prefix key, and the padding mask is extended with ones for the prefix. Holds no
/// parameters (the shared <see cref="PrefixEncoder"/> does).
/// </summary>
public sealed class PrefixLayerAdapter : IAttentionAdapter
{
    private readonly PrefixEncoder encoder;
    private readonly int layer;
    private readonly Func<bool> training;

    /// <summary>Creates the hook for one layer.</summary>
    /// <param name="encoder">The shared prefixes.</param>
    /// <param name="layer">The layer index.</param>
    /// <param name="training">Whether the owning module is in training mode (for attention dropout).</param>
    public PrefixLayerAdapter(PrefixEncoder encoder, int layer, Func<bool> training)
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        this.layer = layer;
        this.training = training ?? throw new ArgumentNullException(nameof(training));
    }

    /// <inheritdoc />
    public Tensor AdaptQuery(Tensor hidden, Tensor query) => query;

    /// <inheritdoc />
    public Tensor AdaptKey(Tensor hidden, Tensor key) => key;

    /// <inheritdoc />
    public Tensor AdaptValue(Tensor hidden, Tensor value) => value;

    /// <inheritdoc />
    public Tensor Attend(AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        long b = inputs.Batch;
        var kv = encoder.LayerKeyValues(layer).to(inputs.Key.dtype);
        var prefixKeys = kv[0].unsqueeze(0).expand(b, -1, -1, -1);
        var prefixValues = kv[1].unsqueeze(0).expand(b, -1, -1, -1);
        var keys = cat([prefixKeys, inputs.Key], 2);
        var values = cat([prefixValues, inputs.Value], 2);
        var mask = cat([ones(b, encoder.Length, dtype: ScalarType.Bool, device: inputs.KeyMask.device), inputs.KeyMask], 1);
        double dropout = training() ? inputs.DropoutProbability : 0.0;
        return ScaledDotProductAttention.Compute(inputs.Query, keys, values, mask, dropout).MoveToOuterDisposeScope();
    }
}
