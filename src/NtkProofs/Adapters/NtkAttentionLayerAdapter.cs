using NtkProofs.Transformers;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// NTK-Attention on one layer: the trainable state of THEORY.md Part C (per head k in R^r and Z = Z_A Z_B or a full Z;
/// keys <c>k</c> [H, r], <c>z</c> [H, r, d_h] or <c>z_a</c> [H, r, s] and <c>z_b</c> [H, s, d_h]), initialised near the
/// identity (Z = 0, k small and nonzero).
/// <para>
/// EXTENSION POINT (issue 5, second half): <see cref="Attend"/> must call the NtkAttention implementation of
/// <c>NtkProofs.Attention</c> (branch <c>attention</c>), which is not merged yet. It receives Q, K, V [B, H, L, d_h],
/// the key padding mask bool [B, L] (true = real token), <see cref="EffectiveZ"/> [H, r, d_h],
/// <see cref="EffectiveK"/> [H, r], the feature map named by <see cref="NtkAttentionAdapterConfig.FeatureMap"/> and
/// <see cref="NtkAttentionAdapterConfig.Causal"/>, and returns the context [B, H, L, d_h]:
/// Dt^-1 [ M o exp(Q K^T / sqrt d) V + phi(Q) Z ], Dt = diag((M o exp(Q K^T / sqrt d)) 1 + phi(Q) k), with padded keys
/// removed from M. Nothing else in the adapter stack needs to change.
/// </para>
/// </summary>
public sealed class NtkAttentionLayerAdapter : LayerAdapter
{
    /// <summary>The message thrown until the NtkAttention implementation is wired in.</summary>
    public const string PendingMessage =
        "the NTK-Attention adapter's forward pass is not wired in yet: it needs NtkProofs.Attention.NtkAttention and the feature maps " +
        "(branch 'attention', not merged). Parameter counting and adapter_config.json already work; see NtkAttentionLayerAdapter.Attend.";

    [ComponentName(Name = "k")]
    private readonly Parameter kappa;

    [ComponentName(Name = "z")]
    private readonly Parameter? zFull;

    [ComponentName(Name = "z_a")]
    private readonly Parameter? zA;

    [ComponentName(Name = "z_b")]
    private readonly Parameter? zB;

    private readonly NtkAttentionAdapterConfig config;

    /// <summary>Creates the per-head state.</summary>
    /// <param name="config">Feature map, r, s, k parameterization and inits.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public NtkAttentionLayerAdapter(NtkAttentionAdapterConfig config, BertConfig baseConfig)
        : base(nameof(NtkAttentionLayerAdapter))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseConfig);
        this.config = config;
        int h = baseConfig.NumHeads, d = baseConfig.HeadDim, r = config.FeatureDimensionFor(d);
        double raw = config.KParameterization == KParameterization.Abs ? config.KInit : InverseSoftplus(config.KInit);
        kappa = new Parameter(full(h, r, raw, dtype: ScalarType.Float32));
        if (config.Rank is { } s)
        {
            zA = new Parameter(randn(h, r, s, dtype: ScalarType.Float32).mul_(config.ZAInitStd));
            zB = new Parameter(zeros(h, s, d, dtype: ScalarType.Float32));
        }
        else
        {
            zFull = new Parameter(zeros(h, r, d, dtype: ScalarType.Float32));
        }

        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public NtkAttentionAdapterConfig Config => config;

    /// <summary>k = |kappa| or softplus(kappa), [H, r], always >= 0.</summary>
    public Tensor EffectiveK() => config.KParameterization == KParameterization.Abs ? kappa.abs() : nn.functional.softplus(kappa);

    /// <summary>Z = Z_A Z_B (batched over heads) or the full Z, [H, r, d_h].</summary>
    public Tensor EffectiveZ() => zFull is not null ? zFull.alias() : zA!.bmm(zB!);

    /// <summary>EXTENSION POINT: NTK-Attention over the layer's Q, K, V (see the class remarks).</summary>
    /// <param name="inputs">Q, K, V [B, H, L, d_h] and the padding mask.</param>
    public override Tensor Attend(AttentionInputs inputs) => throw new NotSupportedException(PendingMessage);

    /// <summary>softplus^-1(y) = log(e^y - 1), computed as y + log(1 - e^-y) to stay accurate for small and large y.</summary>
    private static double InverseSoftplus(double y) => y + Math.Log(-ExpMinusOne(-y));

    /// <summary>e^x - 1 without cancellation for small |x|.</summary>
    private static double ExpMinusOne(double x) => Math.Abs(x) < 1e-5 ? x + (0.5 * x * x) : Math.Exp(x) - 1.0;
}
