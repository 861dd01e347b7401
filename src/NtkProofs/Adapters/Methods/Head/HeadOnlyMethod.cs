using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>Head only (linear probing): nothing in the encoder trains; 0 adapter parameters.</summary>
public sealed class HeadOnlyMethod : AdapterMethod<HeadOnlyConfig>
{
    /// <inheritdoc />
    public override string Name => HeadOnlyConfig.MethodName;

    /// <inheritdoc />
    public override string DisplayName => "head only";

    /// <inheritdoc />
    public override AdapterConfig DefaultConfig => new HeadOnlyConfig();

    /// <inheritdoc />
    protected override AdapterModule Create(HeadOnlyConfig config, BertConfig baseConfig) => new HeadOnlyAdapter(config, baseConfig);

    /// <inheritdoc />
    protected override long Count(HeadOnlyConfig config, AttentionArchitecture architecture) => 0;
}
