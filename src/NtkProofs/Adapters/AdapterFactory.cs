using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Creates the <see cref="AdapterModule"/> of a configuration (the PEFT <c>get_peft_model</c> dispatch, through <see cref="AdapterMethods"/>).</summary>
public static class AdapterFactory
{
    /// <summary>
    /// True: <see cref="NtkAttentionLayerAdapter.Attend"/> runs <c>NtkProofs.Attention.NtkAttention</c>, so <see cref="Create"/>
    /// builds the <c>ntk</c> method like every other one.
    /// </summary>
    public static bool NtkAttentionAvailable => true;

    /// <summary>Builds a freshly initialised adapter (initialisation uses TorchSharp's global generator).</summary>
    /// <param name="config">The method's configuration.</param>
    /// <param name="baseConfig">The encoder it will adapt.</param>
    public static AdapterModule Create(AdapterConfig config, BertConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        return AdapterMethods.For(config).Create(config, baseConfig);
    }
}
