using System.Globalization;
using System.Text.Json.Nodes;
using NtkProofs.Adapters.Counting;
using NtkProofs.Transformers;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention: layers x heads x (r d_h + r) with a full Z, layers x heads x (r s + s d_h + r) with Z = Z_A Z_B.
/// Positive random features draw their matrix from the training seed unless <c>feature_seed</c> is given.
/// </summary>
public sealed class NtkAttentionMethod : AdapterMethod<NtkAttentionAdapterConfig>
{
    /// <inheritdoc />
    public override string Name => NtkAttentionAdapterConfig.MethodName;

    /// <inheritdoc />
    public override string DisplayName => "NTK-Attention";

    /// <inheritdoc />
    public override AdapterConfig DefaultConfig => new NtkAttentionAdapterConfig();

    /// <inheritdoc />
    public override string? RankField => "rank";

    /// <inheritdoc />
    public override IReadOnlyList<AdapterSweepParameter> SweepParameters { get; } =
    [
        AdapterSweepParameter.Text("feature", "elu1", "NTK-Attention feature map (ntk only): elu1 (r = d_h), taylor:G (even G, r = C(d_h + G, G)) or prf:R (positive random features, r = R)"),
        AdapterSweepParameter.Int("ntk_rank", 0, "NTK-Attention rank s of Z = Z_A Z_B; 0 = full Z (ntk only)", 0, 100_000),
        AdapterSweepParameter.Real("ntk_k_init", 0, "NTK-Attention initial value of every entry of k (claim C20: 1e-3, 1e-1); 0 = the method file's k_init (ntk only)", 0, 1e6),
    ];

    /// <summary>Maps a feature name (elu1, taylor:G, prf:R) to (feature map, r for positive random features, Taylor degree).</summary>
    /// <param name="feature">The name.</param>
    public static (string FeatureMap, int? FeatureDimension, int TaylorDegree) ParseFeature(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        string[] parts = feature.Split(':');
        static int Number(string text, string feature) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0
                ? n
                : throw new ArgumentException($"feature '{feature}': '{text}' is not a whole number");
        return (parts[0], parts.Length) switch
        {
            ("elu1", 1) => (NtkAttentionAdapterConfig.Elu1, null, 2),
            ("taylor", 2) => (NtkAttentionAdapterConfig.Taylor, null, Number(parts[1], feature)),
            ("prf", 2) => (NtkAttentionAdapterConfig.PositiveRandom, Number(parts[1], feature), 2),
            _ => throw new ArgumentException($"unknown feature '{feature}' (expected elu1, taylor:G or prf:R)"),
        };
    }

    /// <summary>The feature name of a configuration (the inverse of <see cref="ParseFeature"/>).</summary>
    /// <param name="config">The configuration.</param>
    public static string FeatureName(NtkAttentionAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.FeatureMap switch
        {
            NtkAttentionAdapterConfig.Taylor => F($"taylor:{config.TaylorDegree}"),
            NtkAttentionAdapterConfig.PositiveRandom => F($"prf:{config.FeatureDimension}"),
            _ => config.FeatureMap,
        };
    }

    /// <inheritdoc />
    public override JsonObject SweepFields(Func<string, JsonNode> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var (map, dimension, degree) = ParseFeature(value("feature").GetValue<string>());
        long rank = value("ntk_rank").GetValue<long>();
        double kInit = value("ntk_k_init").GetValue<double>();
        var fields = new JsonObject
        {
            ["feature_map"] = map,
            ["feature_dimension"] = dimension,
            ["taylor_degree"] = degree,
            ["rank"] = rank == 0 ? null : rank,
        };
        if (kInit > 0)
        {
            fields["k_init"] = kInit;
        }

        return fields;
    }

    /// <inheritdoc />
    protected override AdapterModule Create(NtkAttentionAdapterConfig config, BertConfig baseConfig) => new NtkAttentionAdapter(config, baseConfig);

    /// <inheritdoc />
    protected override string Settings(NtkAttentionAdapterConfig config) =>
        FeatureName(config) + (config.Rank is { } s ? F($", s = {s}") : ", full Z");

    /// <inheritdoc />
    protected override long Count(NtkAttentionAdapterConfig config, AttentionArchitecture architecture) =>
        (long)architecture.Layers * architecture.Heads * ParameterCounter.CountNtkPerHead(config, architecture.HeadDim);

    /// <inheritdoc />
    protected override NtkAttentionAdapterConfig ForTraining(NtkAttentionAdapterConfig config, int seed)
    {
        if (config.KParameterization == KParameterization.Signed)
        {
            throw new ArgumentException("k_parameterization 'signed' is for adapters built from a prefix, not for training: a trained k must stay >= 0 (abs or softplus)");
        }

        return config.FeatureMap == NtkAttentionAdapterConfig.PositiveRandom && config.FeatureSeed is null ? config with { FeatureSeed = seed } : config;
    }
}
