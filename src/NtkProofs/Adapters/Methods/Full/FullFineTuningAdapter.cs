using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Full fine-tuning: no extra parameters, no hooks; the encoder's weights train.</summary>
public sealed class FullFineTuningAdapter : AdapterModule
{
    /// <summary>Creates the (empty) adapter.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public FullFineTuningAdapter(FullFineTuningConfig config, BertConfig baseConfig)
        : base(nameof(FullFineTuningAdapter), config, baseConfig)
    {
        LayerHooks = new IAttentionAdapter?[baseConfig.NumLayers];
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TrainsBaseModel => true;

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks { get; }
}
