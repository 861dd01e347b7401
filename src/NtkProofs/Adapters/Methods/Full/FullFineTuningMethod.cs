using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Full fine-tuning: every encoder weight trains.</summary>
public sealed class FullFineTuningMethod : AdapterMethod<FullFineTuningConfig>
{
    /// <inheritdoc />
    public override string Name => FullFineTuningConfig.MethodName;

    /// <inheritdoc />
    public override string DisplayName => "full FT";

    /// <inheritdoc />
    public override AdapterConfig DefaultConfig => new FullFineTuningConfig();

    /// <inheritdoc />
    protected override AdapterModule Create(FullFineTuningConfig config, BertConfig baseConfig) => new FullFineTuningAdapter(config, baseConfig);

    /// <inheritdoc />
    protected override long Count(FullFineTuningConfig config, AttentionArchitecture architecture) => architecture.BaseParameters
        ?? throw new ArgumentException($"the base parameter count of {architecture.Name} is unknown, so full fine-tuning cannot be counted", nameof(architecture));
}
