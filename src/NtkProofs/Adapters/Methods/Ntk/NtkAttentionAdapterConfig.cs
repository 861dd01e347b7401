using System.Text.Json.Serialization;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention as an adapter (THEORY.md Parts B and C): per layer and head a normalizer k in R^r (kept >= 0 by
/// <see cref="KParameterization"/>) and Z = Z_A Z_B (Z_A r x s, Z_B s x d_h, Z_B = 0 at init), or a full r x d_h Z
/// when <see cref="Rank"/> is null. Trainable per head: r s + s d_h + r, or r d_h + r.
/// </summary>
/// <param name="FeatureMap">phi: <c>elu1</c> (r = d_h, the released code), <c>taylor</c> (r = C(d_h + g, g)) or <c>positive_random</c> (r given).</param>
/// <param name="FeatureDimension">r for <c>positive_random</c>; must be null or equal to the derived r otherwise.</param>
/// <param name="TaylorDegree">g for <c>taylor</c> (even).</param>
/// <param name="Rank">s, the rank of Z; null for a full Z.</param>
/// <param name="Causal">Whether the input block is causally masked (false for an encoder such as BERT).</param>
/// <param name="KParameterization">abs or softplus (signed only for a state built from a prefix, see <see cref="NtkPrefixAdapter"/>).</param>
/// <param name="KInit">Initial value of every entry of k (abs: |kappa| = KInit; softplus: softplus(kappa) = KInit; signed: kappa = KInit). Must be > 0.</param>
/// <param name="ZAInitStd">Standard deviation of the Gaussian init of Z_A (low rank only).</param>
/// <param name="FeatureSeed">
/// Seed of the random matrix Omega of <c>positive_random</c> features (null: <see cref="Seeds.Master"/>); layer i draws its
/// Omega from <see cref="Seeds.Derive"/>(seed, <see cref="FeatureSeedStream"/>, i). Stored in adapter_config.json, so a saved
/// adapter rebuilds the same features and reloads to bit-identical outputs. Must be null for the deterministic maps.
/// </param>
public sealed record NtkAttentionAdapterConfig(
    [property: JsonPropertyName("feature_map")] string FeatureMap = NtkAttentionAdapterConfig.Elu1,
    [property: JsonPropertyName("feature_dimension")] int? FeatureDimension = null,
    [property: JsonPropertyName("taylor_degree")] int TaylorDegree = 2,
    [property: JsonPropertyName("rank")] int? Rank = null,
    [property: JsonPropertyName("causal")] bool Causal = false,
    [property: JsonPropertyName("k_parameterization")] KParameterization KParameterization = KParameterization.Abs,
    [property: JsonPropertyName("k_init")] double KInit = 1e-3,
    [property: JsonPropertyName("z_a_init_std")] double ZAInitStd = 0.02,
    [property: JsonPropertyName("feature_seed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FeatureSeed = null) : AdapterConfig
{
    /// <summary>The <see cref="Seeds.Derive"/> stream of the per-layer positive-random-feature seeds.</summary>
    public const int FeatureSeedStream = 51;

    /// <summary>The discriminator value.</summary>
    public const string MethodName = "ntk";

    /// <summary>phi(x) = ELU(x / d^{1/4}) + 1, r = d_h.</summary>
    public const string Elu1 = "elu1";

    /// <summary>Degree-g Taylor features, r = C(d_h + g, g).</summary>
    public const string Taylor = "taylor";

    /// <summary>Positive random features, r given.</summary>
    public const string PositiveRandom = "positive_random";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Method => MethodName;

    /// <summary>r, the feature dimension of phi for heads of dimension <paramref name="headDim"/>.</summary>
    /// <param name="headDim">d_h.</param>
    public int FeatureDimensionFor(int headDim)
    {
        int derived = FeatureMap switch
        {
            Elu1 => headDim,
            Taylor => checked((int)FeatureMaps.TaylorFeatureMap.FeatureCount(headDim, TaylorDegree)),
            PositiveRandom => FeatureDimension ?? throw new ArgumentException("positive_random features need an explicit feature_dimension r", nameof(FeatureDimension)),
            _ => throw new ArgumentException($"unknown feature map '{FeatureMap}' (expected {Elu1}, {Taylor} or {PositiveRandom})", nameof(FeatureMap)),
        };
        if (FeatureDimension is { } given && given != derived)
        {
            throw new ArgumentException($"feature_dimension {given} contradicts the {FeatureMap} feature map, whose r is {derived} for d_h = {headDim}", nameof(FeatureDimension));
        }

        return derived;
    }

    /// <summary>
    /// phi for layer <paramref name="layerIndex"/> (built once per layer by <see cref="NtkAttentionLayerAdapter"/>): ELU+1 and
    /// Taylor maps are deterministic; positive random features draw Omega from the layer's seed (see <see cref="FeatureSeed"/>).
    /// </summary>
    /// <param name="headDim">d_h.</param>
    /// <param name="layerIndex">The encoder layer (0-based).</param>
    public IFeatureMap CreateFeatureMap(int headDim, int layerIndex)
    {
        int r = FeatureDimensionFor(headDim);
        IFeatureMap map = FeatureMap switch
        {
            Elu1 => new Elu1FeatureMap(headDim),
            Taylor => new TaylorFeatureMap(headDim, TaylorDegree),
            _ => new PositiveRandomFeatureMap(headDim, r, LayerFeatureSeed(layerIndex)),
        };
        return map.R == r ? map : throw new InvalidOperationException($"feature map {map.Name} has r = {map.R}, the configuration counts r = {r}");
    }

    /// <summary>The seed of layer <paramref name="layerIndex"/>'s positive-random-feature matrix.</summary>
    /// <param name="layerIndex">The encoder layer (0-based).</param>
    public long LayerFeatureSeed(int layerIndex) => Seeds.Derive(FeatureSeed ?? Seeds.Master, FeatureSeedStream, layerIndex);

    /// <inheritdoc />
    public override AdapterConfig Validated()
    {
        if (FeatureMap is not (Elu1 or Taylor or PositiveRandom))
        {
            throw new ArgumentException($"unknown feature map '{FeatureMap}' (expected {Elu1}, {Taylor} or {PositiveRandom})", nameof(FeatureMap));
        }

        if (FeatureMap == Taylor && (TaylorDegree < 0 || TaylorDegree % 2 != 0))
        {
            throw new ArgumentException($"the Taylor degree g must be even and >= 0, got {TaylorDegree}", nameof(TaylorDegree));
        }

        if (FeatureDimension is < 1)
        {
            throw new ArgumentException($"feature dimension r must be >= 1, got {FeatureDimension}", nameof(FeatureDimension));
        }

        if (FeatureMap == PositiveRandom && FeatureDimension is null)
        {
            throw new ArgumentException("positive_random features need an explicit feature_dimension r", nameof(FeatureDimension));
        }

        if (Rank is < 1)
        {
            throw new ArgumentException($"rank s must be >= 1 (or null for a full Z), got {Rank}", nameof(Rank));
        }

        if (FeatureSeed is not null && FeatureMap != PositiveRandom)
        {
            throw new ArgumentException($"feature_seed applies to {PositiveRandom} features only, not to {FeatureMap}", nameof(FeatureSeed));
        }

        if (!Enum.IsDefined(KParameterization))
        {
            throw new ArgumentException($"unknown k parameterization {KParameterization}", nameof(KParameterization));
        }

        if (!(KInit > 0) || !double.IsFinite(KInit))
        {
            throw new ArgumentException(FormattableString.Invariant($"k_init must be a finite number > 0 (|k| initialised at exactly 0 never trains), got {KInit}"), nameof(KInit));
        }

        if (!(ZAInitStd >= 0) || !double.IsFinite(ZAInitStd))
        {
            throw new ArgumentException(FormattableString.Invariant($"z_a_init_std must be finite and >= 0, got {ZAInitStd}"), nameof(ZAInitStd));
        }

        return this;
    }
}
