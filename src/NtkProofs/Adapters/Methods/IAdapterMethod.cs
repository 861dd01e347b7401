using System.Text.Json.Nodes;
using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>
/// Everything the suite knows about one fine-tuning method, in one place (PEFT's <c>PEFT_TYPE_TO_CONFIG_MAPPING</c> plus
/// <c>PEFT_TYPE_TO_TUNER_MAPPING</c>): its name in <c>adapter_config.json</c>, display name, configuration type, module
/// factory, parameter count, settings in words and sweep parameters. <see cref="AdapterMethods"/> holds one per method;
/// adding a method is a folder under <c>Adapters/Methods/</c> and one registration line there.
/// </summary>
public interface IAdapterMethod
{
    /// <summary>The <c>"method"</c> discriminator (e.g. <c>lora</c>).</summary>
    string Name { get; }

    /// <summary>The name in tables and legends (e.g. <c>LoRA</c>).</summary>
    string DisplayName { get; }

    /// <summary>The <see cref="AdapterConfig"/> subtype of this method.</summary>
    Type ConfigType { get; }

    /// <summary>The configuration with every field at its default.</summary>
    AdapterConfig DefaultConfig { get; }

    /// <summary>
    /// The <c>--rank</c> flag's field in the <c>"adapter"</c> object (LoRA's <c>r</c>, NTK-Attention's <c>rank</c>); null when
    /// the method has no rank.
    /// </summary>
    string? RankField { get; }

    /// <summary>The method's parameters of the <c>finetune</c> sweep experiment.</summary>
    IReadOnlyList<AdapterSweepParameter> SweepParameters { get; }

    /// <summary>Builds a freshly initialised adapter (initialisation uses TorchSharp's global generator).</summary>
    /// <param name="config">A configuration of <see cref="ConfigType"/>.</param>
    /// <param name="baseConfig">The encoder it adapts.</param>
    AdapterModule Create(AdapterConfig config, BertConfig baseConfig);

    /// <summary>Trainable parameters the adapter adds to (or unfreezes in) the architecture, task head excluded.</summary>
    /// <param name="config">A configuration of <see cref="ConfigType"/>.</param>
    /// <param name="architecture">The attention shape.</param>
    long CountParameters(AdapterConfig config, AttentionArchitecture architecture);

    /// <summary>The method's own settings in words (<c>r = 8, alpha = 16</c>; <c>-</c> when it has none).</summary>
    /// <param name="config">A configuration of <see cref="ConfigType"/>.</param>
    string Settings(AdapterConfig config);

    /// <summary>The <c>"adapter"</c> fields a sweep point sets, from the values of <see cref="SweepParameters"/>.</summary>
    /// <param name="value">The point's value of a sweep parameter, by name.</param>
    JsonObject SweepFields(Func<string, JsonNode> value);

    /// <summary>
    /// The configuration a training run with seed <paramref name="seed"/> uses (fills seed-derived fields, rejects settings
    /// meant for other uses); throws <see cref="ArgumentException"/>.
    /// </summary>
    /// <param name="config">A configuration of <see cref="ConfigType"/>.</param>
    /// <param name="seed">The training seed.</param>
    AdapterConfig ForTraining(AdapterConfig config, int seed);
}
