using NtkProofs.Transformers;
using TorchSharp.Modules;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention in every layer (keys <c>layers.{i}.k</c>, <c>layers.{i}.z</c> or <c>layers.{i}.z_a</c>/<c>z_b</c>); each layer's
/// forward pass is <see cref="NtkAttentionLayerAdapter.Attend"/>. An adapter built in closed form from a prefix
/// (<see cref="NtkPrefixAdapter"/>) also carries that prefix (<see cref="PrefixSource"/>), which
/// <see cref="AdapterCheckpoint.Save"/> writes next to the weights for the Theorem B check of <c>check-adapter</c>.
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
        layers = new ModuleList<NtkAttentionLayerAdapter>(Enumerable.Range(0, baseConfig.NumLayers).Select(i => new NtkAttentionLayerAdapter(config, baseConfig, i)).ToArray());
        RegisterComponents();
    }

    /// <summary>The per-layer adapters.</summary>
    public IReadOnlyList<NtkAttentionLayerAdapter> Layers => layers.ToList();

    /// <inheritdoc />
    public override IReadOnlyList<IAttentionAdapter?> LayerHooks => layers.Cast<IAttentionAdapter?>().ToList();

    /// <summary>The prefix this adapter's state was computed from, or null for a trained adapter. Owned by the adapter.</summary>
    public NtkPrefixSource? PrefixSource { get; private set; }

    /// <summary>Attaches the prefix the state was computed from (the adapter takes ownership and disposes it).</summary>
    /// <param name="source">The per-layer prefix keys and values.</param>
    internal void AttachPrefixSource(NtkPrefixSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        PrefixSource?.Dispose();
        PrefixSource = source;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            PrefixSource?.Dispose();
            PrefixSource = null;
        }

        base.Dispose(disposing);
    }
}
