using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>LoRA on one layer's W_Q, W_K and/or W_V (keys <c>query.*</c>, <c>key.*</c>, <c>value.*</c>).</summary>
public sealed class LoraLayerAdapter : LayerAdapter
{
    private readonly LoraDelta? query;
    private readonly LoraDelta? key;
    private readonly LoraDelta? value;

    /// <summary>Creates the updates for the configured targets.</summary>
    /// <param name="config">The LoRA configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public LoraLayerAdapter(LoraAdapterConfig config, BertConfig baseConfig)
        : base(nameof(LoraLayerAdapter))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseConfig);
        var unsupported = config.Targets & ~(LoraTargets.Query | LoraTargets.Key | LoraTargets.Value);
        if (unsupported != LoraTargets.None)
        {
            throw new ArgumentException($"LoRA targets {unsupported} are not supported on BERT (query, key, value only)", nameof(config));
        }

        int d = baseConfig.HiddenSize;
        query = config.Targets.HasFlag(LoraTargets.Query) ? new LoraDelta(d, d, config) : null;
        key = config.Targets.HasFlag(LoraTargets.Key) ? new LoraDelta(d, d, config) : null;
        value = config.Targets.HasFlag(LoraTargets.Value) ? new LoraDelta(d, d, config) : null;
        RegisterComponents();
    }

    /// <summary>The W_Q update, or null.</summary>
    public LoraDelta? QueryDelta => query;

    /// <summary>The W_V update, or null.</summary>
    public LoraDelta? ValueDelta => value;

    /// <inheritdoc />
    public override Tensor AdaptQuery(Tensor hidden, Tensor query) => this.query is null ? query : query + this.query.forward(hidden);

    /// <inheritdoc />
    public override Tensor AdaptKey(Tensor hidden, Tensor key) => this.key is null ? key : key + this.key.forward(hidden);

    /// <inheritdoc />
    public override Tensor AdaptValue(Tensor hidden, Tensor value) => this.value is null ? value : value + this.value.forward(hidden);
}
