using NtkProofs.Transformers;
using TorchSharp.Modules;

namespace NtkProofs.Adapters;

/// <summary>LoRA in every layer (keys <c>layers.{i}.query.lora_A.weight</c>, ...).</summary>
public sealed class LoraAdapter : AdapterModule
{
    private readonly ModuleList<LoraLayerAdapter> layers;

    /// <summary>Creates one <see cref="LoraLayerAdapter"/> per layer.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public LoraAdapter(LoraAdapterConfig config, BertConfig baseConfig)
        : base(nameof(LoraAdapter), config, baseConfig)
    {
        layers = new ModuleList<LoraLayerAdapter>(Enumerable.Range(0, baseConfig.NumLayers).Select(_ => new LoraLayerAdapter(config, baseConfig)).ToArray());
        RegisterComponents();
    }

    /// <summary>The per-layer adapters.</summary>
    public IReadOnlyList<LoraLayerAdapter> Layers => layers.ToList();

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks => layers.Cast<IAttentionAdapter?>().ToList();
}
