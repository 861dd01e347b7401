using NtkProofs.Transformers;
using TorchSharp.Modules;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention in every layer (keys <c>layers.{i}.k</c>, <c>layers.{i}.z</c> or <c>layers.{i}.z_a</c>/<c>z_b</c>).
/// Its parameters and counts are complete; its forward pass is the extension point described on
/// <see cref="NtkAttentionLayerAdapter"/>.
/// </summary>
public sealed class NtkAttentionAdapter : AdapterModule
{
    private readonly ModuleList<NtkAttentionLayerAdapter> layers;

    /// <summary>Creates one <see cref="NtkAttentionLayerAdapter"/> per layer.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public NtkAttentionAdapter(NtkAttentionAdapterConfig config, BertConfig baseConfig)
        : base(nameof(NtkAttentionAdapter), config, baseConfig)
    {
        layers = new ModuleList<NtkAttentionLayerAdapter>(Enumerable.Range(0, baseConfig.NumLayers).Select(_ => new NtkAttentionLayerAdapter(config, baseConfig)).ToArray());
        RegisterComponents();
    }

    /// <summary>The per-layer adapters.</summary>
    public IReadOnlyList<NtkAttentionLayerAdapter> Layers => layers.ToList();

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks => layers.Cast<IAttentionAdapter?>().ToList();
}
