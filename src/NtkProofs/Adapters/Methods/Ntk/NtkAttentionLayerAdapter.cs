using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Transformers;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention on one layer (THEORY.md Parts B and C): the layer's frozen Q, K, V and padding mask go through
/// <see cref="NtkAttention.Forward"/> with this layer's per-head state,
/// Dt^-1 [ exp(Q K^T / sqrt d) V + phi(Q) Z ], Dt = diag(exp(Q K^T / sqrt d) 1 + phi(Q) k), padded keys removed.
/// Trainable state (keys <c>k</c> [H, r], and <c>z</c> [H, r, d_h] or <c>z_a</c> [H, r, s] with <c>z_b</c> [H, s, d_h]):
/// <list type="bullet">
/// <item>k = |kappa| or softplus(kappa), every entry <see cref="NtkAttentionAdapterConfig.KInit"/> &gt; 0 at init, so k is &gt;= 0
/// and has a nonzero gradient from the first step (the released ViT scripts start |phi_k| at exactly 0, where the gradient of
/// |.| is 0 and k never moves);</item>
/// <item>Z = 0 at init (full Z) or Z_B = 0 with a Gaussian Z_A, so the adapter starts near the identity: with Z = 0 each
/// attention row is the base model's row scaled by S / (S + phi(q) k), S the row's sum of exp(scores)
/// (see <see cref="NtkNearIdentity"/>).</item>
/// </list>
/// phi is built once per layer from the configuration (<see cref="NtkAttentionAdapterConfig.CreateFeatureMap"/>); positive random
/// features draw Omega from a seed stored in adapter_config.json. No dropout touches phi(Q) or the attention weights, in training
/// or evaluation (the released scripts keep a dropout on phi(Q) active at evaluation); the encoder's hidden-state dropout still
/// applies in training.
/// </summary>
public sealed class NtkAttentionLayerAdapter : LayerAdapter
{
    [ComponentName(Name = "k")]
    private readonly Parameter kappa;

    [ComponentName(Name = "z")]
    private readonly Parameter? zFull;

    [ComponentName(Name = "z_a")]
    private readonly Parameter? zA;

    [ComponentName(Name = "z_b")]
    private readonly Parameter? zB;

    private readonly NtkAttentionAdapterConfig config;
    private readonly IFeatureMap featureMap;

    /// <summary>Creates the per-head state and the layer's feature map.</summary>
    /// <param name="config">Feature map, r, s, k parameterization and inits.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    /// <param name="layerIndex">The encoder layer this adapter serves (selects the positive-random-feature seed).</param>
    public NtkAttentionLayerAdapter(NtkAttentionAdapterConfig config, BertConfig baseConfig, int layerIndex = 0)
        : base(nameof(NtkAttentionLayerAdapter))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentOutOfRangeException.ThrowIfNegative(layerIndex);
        this.config = config;
        LayerIndex = layerIndex;
        int h = baseConfig.NumHeads, d = baseConfig.HeadDim, r = config.FeatureDimensionFor(d);
        featureMap = config.CreateFeatureMap(d, layerIndex);
        double raw = config.KParameterization == KParameterization.Softplus ? InverseSoftplus(config.KInit) : config.KInit;
        kappa = new Parameter(full(h, r, raw, dtype: ScalarType.Float32, device: CPU));
        if (config.Rank is { } s)
        {
            zA = new Parameter(randn(h, r, s, dtype: ScalarType.Float32, device: CPU).mul_(config.ZAInitStd));
            zB = new Parameter(zeros(h, s, d, dtype: ScalarType.Float32, device: CPU));
        }
        else
        {
            zFull = new Parameter(zeros(h, r, d, dtype: ScalarType.Float32, device: CPU));
        }

        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public NtkAttentionAdapterConfig Config => config;

    /// <summary>The encoder layer this adapter serves.</summary>
    public int LayerIndex { get; }

    /// <summary>phi of this layer (an immutable managed object; built once).</summary>
    public IFeatureMap FeatureMap => featureMap;

    /// <summary>k = |kappa|, softplus(kappa) (both &gt;= 0) or kappa (signed, prefix-built states only), [H, r].</summary>
    public Tensor EffectiveK() => config.KParameterization switch
    {
        KParameterization.Abs => kappa.abs(),
        KParameterization.Softplus => nn.functional.softplus(kappa),
        _ => kappa.alias(),
    };

    /// <summary>Z = Z_A Z_B (batched over heads) or the full Z, [H, r, d_h].</summary>
    public Tensor EffectiveZ() => zFull is not null ? zFull.alias() : zA!.bmm(zB!);

    /// <summary>NTK-Attention over the layer's Q, K, V under its padding mask (see the class remarks).</summary>
    /// <param name="inputs">Q, K, V [B, H, L, d_h] and the padding mask bool [B, L] (true = real token).</param>
    /// <returns>The context, [B, H, L, d_h].</returns>
    public override Tensor Attend(AttentionInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs.Query);
        ArgumentNullException.ThrowIfNull(inputs.KeyMask);
        using var scope = NewDisposeScope();
        var z = EffectiveZ();
        var k = EffectiveK();
        if (z.dtype != inputs.Query.dtype)
        {
            throw new ArgumentException($"the NTK-Attention state of layer {LayerIndex} is {z.dtype} but the queries are {inputs.Query.dtype}; move the adapter and the encoder to one dtype", nameof(inputs));
        }

        return NtkAttention.Forward(inputs.Query, inputs.Key, inputs.Value, featureMap, z, k, config.Causal, KeyMask.Keep(inputs.KeyMask))
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Overwrites the state with a given Z [H, r, d_h] and k [H, r] (the closed form Z(P), k(P) of a prefix; see
    /// <see cref="NtkPrefixAdapter"/>). Needs a full Z and the signed k parameterization, which represent any state exactly.
    /// </summary>
    /// <param name="z">Z, [H, r, d_h].</param>
    /// <param name="k">k, [H, r].</param>
    public void SetState(Tensor z, Tensor k)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(k);
        if (zFull is null || config.KParameterization != KParameterization.Signed)
        {
            throw new InvalidOperationException("only a full Z with the signed k parameterization can hold an arbitrary (Z, k); this adapter has " +
                (zFull is null ? $"Z of rank {config.Rank}" : $"k parameterized by {config.KParameterization}"));
        }

        if (!z.shape.SequenceEqual(zFull.shape) || !k.shape.SequenceEqual(kappa.shape))
        {
            throw new ArgumentException($"expected Z [{string.Join(", ", zFull.shape)}] and k [{string.Join(", ", kappa.shape)}], got Z [{string.Join(", ", z.shape)}] and k [{string.Join(", ", k.shape)}] (dimension mismatch)", nameof(z));
        }

        using var noGrad = no_grad();
        zFull.copy_(z);
        kappa.copy_(k);
    }

    /// <summary>
    /// Initializes the trainable state from a given Z [H, r, d_h] and k [H, r] (the closed form Z(P), k(P) of a trained prefix,
    /// <see cref="PrefixConversion"/>), whatever the parameterization: a full Z is copied, a low-rank Z = Z_A Z_B gets the
    /// best rank-s approximation of Z (truncated SVD, Z_A = U_s S_s^{1/2}, Z_B = S_s^{1/2} V_s^T); k is written through the
    /// k parameterization (abs: kappa = k, needs k &gt;= 0; softplus: kappa = softplus^-1(k), needs k &gt; 0; signed: kappa = k).
    /// </summary>
    /// <param name="z">Z, [H, r, d_h].</param>
    /// <param name="k">k, [H, r].</param>
    public void InitializeFrom(Tensor z, Tensor k)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(k);
        long[] zShape = zFull?.shape ?? [zA!.shape[0], zA.shape[1], zB!.shape[2]];
        if (!z.shape.SequenceEqual(zShape) || !k.shape.SequenceEqual(kappa.shape))
        {
            throw new ArgumentException($"expected Z [{string.Join(", ", zShape)}] and k [{string.Join(", ", kappa.shape)}], got Z [{string.Join(", ", z.shape)}] and k [{string.Join(", ", k.shape)}] (dimension mismatch)", nameof(z));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var k64 = k.to(ScalarType.Float64);
        double smallest = k64.min().item<double>();
        if (!double.IsFinite(k64.abs().max().item<double>()))
        {
            throw new ArgumentException($"layer {LayerIndex}: k has non-finite entries", nameof(k));
        }

        var raw = config.KParameterization switch
        {
            KParameterization.Abs when smallest < 0 => throw new ArgumentException(FormattableString.Invariant($"layer {LayerIndex}: k has a negative entry ({smallest:G4}), which k = |kappa| cannot hold; use a positive feature map (elu1, prf) or the signed parameterization"), nameof(k)),
            KParameterization.Softplus when !(smallest > 0) => throw new ArgumentException(FormattableString.Invariant($"layer {LayerIndex}: k has an entry <= 0 ({smallest:G4}), which k = softplus(kappa) cannot hold; use abs or a positive feature map"), nameof(k)),
            KParameterization.Softplus => k64 + log(-expm1(-k64)),
            _ => k64,
        };
        kappa.copy_(raw);
        if (zFull is not null)
        {
            zFull.copy_(z);
            return;
        }

        long s = zA!.shape[2];
        var (u, sigma, vh) = linalg.svd(z.to(ScalarType.Float64), fullMatrices: false);
        long kept = Math.Min(s, sigma.shape[1]);
        var root = sigma.narrow(1, 0, kept).sqrt();
        var a = zA.detach().to(ScalarType.Float64).clone(); // columns past rank(Z) keep their Gaussian init (Z_B's rows there are 0)
        var b = zeros(zB!.shape, ScalarType.Float64);
        a.narrow(2, 0, kept).copy_(u.narrow(2, 0, kept) * root.unsqueeze(1));
        b.narrow(1, 0, kept).copy_(root.unsqueeze(2) * vh.narrow(1, 0, kept));
        zA.copy_(a);
        zB.copy_(b);
    }

    /// <summary>softplus^-1(y) = log(e^y - 1), computed as y + log(1 - e^-y) to stay accurate for small and large y.</summary>
    private static double InverseSoftplus(double y) => y + Math.Log(-ExpMinusOne(-y));

    /// <summary>e^x - 1 without cancellation for small |x|.</summary>
    private static double ExpMinusOne(double x) => Math.Abs(x) < 1e-5 ? x + (0.5 * x * x) : Math.Exp(x) - 1.0;
}
