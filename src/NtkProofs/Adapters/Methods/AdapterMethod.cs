using System.Text.Json.Nodes;
using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>The typed base of an <see cref="IAdapterMethod"/>: subclasses see their own configuration type.</summary>
/// <typeparam name="TConfig">The method's configuration.</typeparam>
public abstract class AdapterMethod<TConfig> : IAdapterMethod
    where TConfig : AdapterConfig
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string DisplayName { get; }

    /// <inheritdoc />
    public Type ConfigType => typeof(TConfig);

    /// <inheritdoc />
    public abstract AdapterConfig DefaultConfig { get; }

    /// <inheritdoc />
    public virtual string? RankField => null;

    /// <inheritdoc />
    public virtual IReadOnlyList<AdapterSweepParameter> SweepParameters => [];

    /// <inheritdoc />
    public AdapterModule Create(AdapterConfig config, BertConfig baseConfig) => Create(Typed(config), baseConfig);

    /// <inheritdoc />
    public long CountParameters(AdapterConfig config, AttentionArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Count(Typed(config), architecture);
    }

    /// <inheritdoc />
    public string Settings(AdapterConfig config) => Settings(Typed(config));

    /// <inheritdoc />
    public virtual JsonObject SweepFields(Func<string, JsonNode> value) => [];

    /// <inheritdoc />
    public AdapterConfig ForTraining(AdapterConfig config, int seed) => ForTraining(Typed(config), seed).Validated();

    /// <summary>Builds the adapter.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="baseConfig">The encoder.</param>
    protected abstract AdapterModule Create(TConfig config, BertConfig baseConfig);

    /// <summary>Counts the trainable parameters.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="architecture">The attention shape.</param>
    protected abstract long Count(TConfig config, AttentionArchitecture architecture);

    /// <summary>The settings in words (default <c>-</c>).</summary>
    /// <param name="config">The configuration.</param>
    protected virtual string Settings(TConfig config) => "-";

    /// <summary>The training configuration (default: unchanged).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="seed">The training seed.</param>
    protected virtual TConfig ForTraining(TConfig config, int seed) => config;

    /// <summary>Formats with the invariant culture.</summary>
    /// <param name="s">The text.</param>
    protected static string F(FormattableString s) => FormattableString.Invariant(s);

    private TConfig Typed(AdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validated();
        return config as TConfig ?? throw new ArgumentException($"the {Name} method got a {config.Method} configuration", nameof(config));
    }
}
