using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Linear probing: no parameters, no hooks, frozen encoder.</summary>
public sealed class HeadOnlyAdapter : AdapterModule
{
    /// <summary>Creates the (empty) adapter.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public HeadOnlyAdapter(HeadOnlyConfig config, BertConfig baseConfig)
        : base(nameof(HeadOnlyAdapter), config, baseConfig)
    {
        LayerHooks = new IAttentionAdapter?[baseConfig.NumLayers];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks { get; }
}
