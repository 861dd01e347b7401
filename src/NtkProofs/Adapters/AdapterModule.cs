using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// The one interface every fine-tuning method implements: a TorchSharp module that owns the method's trainable
/// parameters (registered under it, so their state-dict keys never contain an adapter name) and hands one
/// <see cref="IAttentionAdapter"/> hook per encoder layer to <see cref="AdaptedClassifier"/>, which installs them.
/// Created from a configuration by <see cref="AdapterFactory"/>.
/// </summary>
public abstract class AdapterModule : nn.Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="name">TorchSharp module name.</param>
    /// <param name="config">The method's configuration (validated).</param>
    /// <param name="baseConfig">The encoder it adapts.</param>
    protected AdapterModule(string name, AdapterConfig config, BertConfig baseConfig)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseConfig);
        Config = config.Validated();
        BaseConfig = baseConfig.Validated();
    }

    /// <summary>The method's configuration.</summary>
    public AdapterConfig Config { get; }

    /// <summary>The encoder shape this adapter was built for.</summary>
    public BertConfig BaseConfig { get; }

    /// <summary>Whether the encoder's own weights train (full fine-tuning); otherwise they are frozen.</summary>
    public virtual bool TrainsBaseModel => false;

    /// <summary>One hook per encoder layer (null where the layer stays plain).</summary>
    public abstract IReadOnlyList<IAttentionAdapter?> LayerHooks { get; }
}
