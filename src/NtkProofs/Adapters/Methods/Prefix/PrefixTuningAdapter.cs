using NtkProofs.Transformers;
using TorchSharp.Utils;

namespace NtkProofs.Adapters;

/// <summary>Prefix tuning / P-Tuning v2 in every layer (keys <c>prefix_encoder.*</c>).</summary>
public sealed class PrefixTuningAdapter : AdapterModule
{
    [ComponentName(Name = "prefix_encoder")]
    private readonly PrefixEncoder prefixEncoder;

    private readonly IReadOnlyList<IAttentionAdapter?> hooks;

    /// <summary>Creates the prefixes and one hook per layer.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public PrefixTuningAdapter(PrefixTuningAdapterConfig config, BertConfig baseConfig)
        : base(nameof(PrefixTuningAdapter), config, baseConfig)
    {
        prefixEncoder = new PrefixEncoder(config, baseConfig.NumLayers, baseConfig.NumHeads, baseConfig.HeadDim);
        hooks = Enumerable.Range(0, baseConfig.NumLayers).Select(i => (IAttentionAdapter?)new PrefixLayerAdapter(prefixEncoder, i, () => training)).ToList();
        RegisterComponents();
    }

    /// <summary>The shared prefixes.</summary>
    public PrefixEncoder Encoder => prefixEncoder;

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks => hooks;
}
