using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Creates the <see cref="AdapterModule"/> of a configuration (the PEFT <c>get_peft_model</c> dispatch).</summary>
public static class AdapterFactory
{
    /// <summary>
    /// Set to true once <see cref="NtkAttentionLayerAdapter.Attend"/> calls the merged NtkAttention; until then
    /// <see cref="Create"/> refuses the <c>ntk</c> method with a clear message instead of failing mid-training.
    /// </summary>
    public static bool NtkAttentionAvailable => false;

    /// <summary>Builds a freshly initialised adapter (initialisation uses TorchSharp's global generator).</summary>
    /// <param name="config">The method's configuration.</param>
    /// <param name="baseConfig">The encoder it will adapt.</param>
    public static AdapterModule Create(AdapterConfig config, BertConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Validated() switch
        {
            HeadOnlyConfig head => new HeadOnlyAdapter(head, baseConfig),
            FullFineTuningConfig full => new FullFineTuningAdapter(full, baseConfig),
            LoraAdapterConfig lora => new LoraAdapter(lora, baseConfig),
            PrefixTuningAdapterConfig prefix => new PrefixTuningAdapter(prefix, baseConfig),
            NtkAttentionAdapterConfig ntk when NtkAttentionAvailable => new NtkAttentionAdapter(ntk, baseConfig),
            NtkAttentionAdapterConfig => throw new NotSupportedException(NtkAttentionLayerAdapter.PendingMessage),
            _ => throw new ArgumentException($"unknown adapter method '{config.Method}'", nameof(config)),
        };
    }
}
