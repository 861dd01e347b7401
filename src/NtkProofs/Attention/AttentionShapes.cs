using NtkProofs.FeatureMaps;
using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// Shape, dtype and device checks for the attention functions. Every check runs before the first tensor product, because
/// TorchSharp's <c>matmul</c> aborts the whole process on mismatched shapes; these throw an <see cref="ArgumentException"/>
/// that names the argument and the expected layout instead.
/// </summary>
public static class AttentionShapes
{
    /// <summary>The layout of queries, keys and values.</summary>
    public const string HeadLayout = "[batch, heads, length, d_h]";

    /// <summary>
    /// Requires q [B, H, Lq, d], k [B, H, Lk, d], v [B, H, Lk, d_v], all float32 or all float64 on one device, and
    /// Lq = Lk when <paramref name="causal"/>.
    /// </summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="causal">Whether a causal mask will be applied to the Lq x Lk block.</param>
    public static void RequireQueriesKeysValues(Tensor q, Tensor k, Tensor v, bool causal)
    {
        RequireRank(q, 4, nameof(q), HeadLayout);
        RequireRank(k, 4, nameof(k), HeadLayout);
        RequireRank(v, 4, nameof(v), "[batch, heads, length, d_v]");
        RequireFloat(q, nameof(q));
        RequireSameKind(k, q, nameof(k));
        RequireSameKind(v, q, nameof(v));
        if (k.shape[0] != q.shape[0] || k.shape[1] != q.shape[1] || k.shape[3] != q.shape[3])
        {
            throw new ArgumentException($"k must have q's batch, heads and d_h: q is {Show(q)}, k is {Show(k)} (dimension mismatch)", nameof(k));
        }

        if (v.shape[0] != k.shape[0] || v.shape[1] != k.shape[1] || v.shape[2] != k.shape[2])
        {
            throw new ArgumentException($"v must have k's batch, heads and length: k is {Show(k)}, v is {Show(v)} (dimension mismatch)", nameof(v));
        }

        if (q.shape[3] < 1 || v.shape[3] < 1)
        {
            throw new ArgumentException($"d_h and d_v must be at least 1: q is {Show(q)}, v is {Show(v)}", nameof(q));
        }

        if (causal && q.shape[2] != k.shape[2])
        {
            throw new ArgumentException($"a causal mask needs as many queries as keys: q is {Show(q)}, k is {Show(k)}", nameof(causal));
        }
    }

    /// <summary>
    /// Requires prefix keys [H, m, d] or [B', H, m, d] with B' = 1 or B, and prefix values of the same layout with d_v columns,
    /// matching q and v. Returns both as 4-D views [B', H, m, ·].
    /// </summary>
    /// <param name="prefixKeys">K_P.</param>
    /// <param name="prefixValues">V_P.</param>
    /// <param name="q">Queries [B, H, L, d].</param>
    /// <param name="v">Values [B, H, L, d_v].</param>
    public static (Tensor Keys, Tensor Values) RequirePrefix(Tensor prefixKeys, Tensor prefixValues, Tensor q, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(prefixKeys);
        ArgumentNullException.ThrowIfNull(prefixValues);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(v);
        const string layout = "[heads, m, d_h] or [batch, heads, m, d_h]";
        if (prefixKeys.dim() is not (3 or 4))
        {
            throw new ArgumentException($"prefixKeys must have shape {layout}, got {Show(prefixKeys)}", nameof(prefixKeys));
        }

        if (prefixValues.dim() != prefixKeys.dim())
        {
            throw new ArgumentException($"prefixValues must have the same rank as prefixKeys: keys {Show(prefixKeys)}, values {Show(prefixValues)}", nameof(prefixValues));
        }

        RequireSameKind(prefixKeys, q, nameof(prefixKeys));
        RequireSameKind(prefixValues, q, nameof(prefixValues));
        var keys = prefixKeys.dim() == 3 ? prefixKeys.unsqueeze(0) : prefixKeys.alias();
        var values = prefixValues.dim() == 3 ? prefixValues.unsqueeze(0) : prefixValues.alias();
        long batch = q.shape[0], heads = q.shape[1];
        if ((keys.shape[0] != 1 && keys.shape[0] != batch) || keys.shape[1] != heads || keys.shape[3] != q.shape[3])
        {
            throw new ArgumentException($"prefixKeys must have shape {layout} with heads = {heads}, d_h = {q.shape[3]} and batch 1 or {batch}; got {Show(prefixKeys)} (dimension mismatch)", nameof(prefixKeys));
        }

        if (values.shape[0] != keys.shape[0] || values.shape[1] != heads || values.shape[2] != keys.shape[2] || values.shape[3] != v.shape[3])
        {
            throw new ArgumentException($"prefixValues must match prefixKeys in batch, heads and m, and v in d_v = {v.shape[3]}: keys {Show(prefixKeys)}, values {Show(prefixValues)} (dimension mismatch)", nameof(prefixValues));
        }

        return (keys, values);
    }

    /// <summary>Requires Z [H, r, d_v] and k [H, r] matching q's heads, the feature map's r and d, and v's d_v.</summary>
    /// <param name="z">Z.</param>
    /// <param name="kSum">k.</param>
    /// <param name="featureMap">phi.</param>
    /// <param name="q">Queries [B, H, L, d].</param>
    /// <param name="v">Values [B, H, L, d_v].</param>
    public static void RequireNtkState(Tensor z, Tensor kSum, IFeatureMap featureMap, Tensor q, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(kSum);
        ArgumentNullException.ThrowIfNull(featureMap);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(v);
        if (featureMap.InputDim != q.shape[3])
        {
            throw new ArgumentException($"feature map {featureMap.Name} is built for d = {featureMap.InputDim} but q has d_h = {q.shape[3]} (dimension mismatch)", nameof(featureMap));
        }

        long heads = q.shape[1], r = featureMap.R, dv = v.shape[3];
        RequireSameKind(z, q, nameof(z));
        RequireSameKind(kSum, q, "k");
        if (z.dim() != 3 || z.shape[0] != heads || z.shape[1] != r || z.shape[2] != dv)
        {
            throw new ArgumentException($"Z must have shape [heads, r, d_v] = [{heads}, {r}, {dv}] for {featureMap.Name}, got {Show(z)} (dimension mismatch)", nameof(z));
        }

        if (kSum.dim() != 2 || kSum.shape[0] != heads || kSum.shape[1] != r)
        {
            throw new ArgumentException($"k must have shape [heads, r] = [{heads}, {r}] for {featureMap.Name}, got {Show(kSum)} (dimension mismatch)", nameof(kSum));
        }
    }

    /// <summary>Requires a tensor of the given rank.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="rank">Required number of dimensions.</param>
    /// <param name="name">Argument name.</param>
    /// <param name="layout">The expected layout, for the message.</param>
    public static void RequireRank(Tensor t, int rank, string name, string layout)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() != rank)
        {
            throw new ArgumentException($"{name} must have shape {layout}, got {Show(t)}", name);
        }
    }

    /// <summary>Requires float32 or float64.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="name">Argument name.</param>
    public static void RequireFloat(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dtype != ScalarType.Float32 && t.dtype != ScalarType.Float64)
        {
            throw new ArgumentException($"{name} must be float32 or float64, got {t.dtype}", name);
        }
    }

    /// <summary>Requires the dtype and device of <paramref name="reference"/>.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="reference">The tensor whose kind is required.</param>
    /// <param name="name">Argument name.</param>
    public static void RequireSameKind(Tensor t, Tensor reference, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        ArgumentNullException.ThrowIfNull(reference);
        if (t.dtype != reference.dtype)
        {
            throw new ArgumentException($"{name} must have the queries' dtype {reference.dtype}, got {t.dtype}", name);
        }

        if (t.device.ToString() != reference.device.ToString())
        {
            throw new ArgumentException($"{name} must be on the queries' device {reference.device}, got {t.device}", name);
        }
    }

    /// <summary>A shape as text, for messages.</summary>
    /// <param name="t">The tensor.</param>
    public static string Show(Tensor t) => t is null ? "null" : "[" + string.Join(", ", t.shape) + "]";

    /// <summary>Whether autograd must track a call on these inputs (gradients on, and some input requires them).</summary>
    /// <param name="inputs">The differentiable inputs of the call.</param>
    public static bool NeedsGradient(params Tensor[] inputs) => is_grad_enabled() && inputs.Any(t => t.requires_grad);
}
