using NtkProofs.FeatureMaps;
using static TorchSharp.torch;

namespace NtkProofs.Attention;

/// <summary>
/// The closed form of NTK-Attention's state from a prefix, Z(P) = sum_i phi(kappa_i) v_i^T [H, r, d_v] and
/// k(P) = sum_i phi(kappa_i) [H, r], accumulated in a stream: by identity I3 (additivity), a prefix of any length is folded
/// chunk by chunk into fixed memory, and chunks may arrive in any order and in separate calls.
/// The accumulator owns <see cref="Z"/> and <see cref="K"/> (they live outside any dispose scope until <see cref="Dispose"/>).
/// </summary>
public sealed class PrefixAccumulator : IDisposable
{
    /// <summary>Default number of prefix rows mapped through phi at once.</summary>
    public const long DefaultChunkSize = 4096;

    private Tensor z;
    private Tensor k;

    /// <summary>Starts from Z = 0, k = 0 (the empty prefix).</summary>
    /// <param name="featureMap">phi.</param>
    /// <param name="heads">H.</param>
    /// <param name="valueDim">d_v.</param>
    /// <param name="dtype">Scalar type of Z and k (float32 or float64).</param>
    /// <param name="device">Device of Z and k; null for the CPU.</param>
    public PrefixAccumulator(IFeatureMap featureMap, long heads, long valueDim, ScalarType dtype, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(featureMap);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(valueDim, 1);
        if (dtype != ScalarType.Float32 && dtype != ScalarType.Float64)
        {
            throw new ArgumentException($"Z and k must be float32 or float64, got {dtype}", nameof(dtype));
        }

        FeatureMap = featureMap;
        z = zeros([heads, featureMap.R, valueDim], dtype, device).DetachFromDisposeScope();
        k = zeros([heads, featureMap.R], dtype, device).DetachFromDisposeScope();
    }

    /// <summary>phi.</summary>
    public IFeatureMap FeatureMap { get; }

    /// <summary>Prefix rows folded in so far.</summary>
    public long Count { get; private set; }

    /// <summary>Z [H, r, d_v]. Owned by the accumulator; clone it to keep it past <see cref="Dispose"/> or the next <see cref="Add"/>.</summary>
    public Tensor Z => z;

    /// <summary>k [H, r]. Owned by the accumulator; clone it to keep it past <see cref="Dispose"/> or the next <see cref="Add"/>.</summary>
    public Tensor K => k;

    /// <summary>Closed-form Z(P), k(P) of a whole prefix, computed chunk by chunk. Results are new tensors owned by the caller.</summary>
    /// <param name="featureMap">phi.</param>
    /// <param name="prefixKeys">K_P [H, m, d].</param>
    /// <param name="prefixValues">V_P [H, m, d_v].</param>
    /// <param name="chunkSize">Rows per chunk.</param>
    public static (Tensor Z, Tensor K) Compute(IFeatureMap featureMap, Tensor prefixKeys, Tensor prefixValues, long chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(prefixKeys);
        ArgumentNullException.ThrowIfNull(prefixValues);
        RequirePrefixShape(prefixKeys, prefixValues);
        using var accumulator = new PrefixAccumulator(featureMap, prefixKeys.shape[0], prefixValues.shape[2], prefixKeys.dtype, prefixKeys.device);
        accumulator.Add(prefixKeys, prefixValues, chunkSize);
        return (accumulator.Z.alias(), accumulator.K.alias());
    }

    /// <summary>Folds prefix rows into Z and k, <paramref name="chunkSize"/> rows at a time (I3).</summary>
    /// <param name="prefixKeys">Keys [H, n, d] (n may be 0).</param>
    /// <param name="prefixValues">Values [H, n, d_v].</param>
    /// <param name="chunkSize">Rows per chunk.</param>
    public void Add(Tensor prefixKeys, Tensor prefixValues, long chunkSize = DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        RequirePrefixShape(prefixKeys, prefixValues);
        if (prefixKeys.shape[0] != z.shape[0] || prefixKeys.shape[2] != FeatureMap.InputDim || prefixValues.shape[2] != z.shape[2])
        {
            throw new ArgumentException($"prefix keys [H, n, d] and values [H, n, d_v] must have H = {z.shape[0]}, d = {FeatureMap.InputDim}, d_v = {z.shape[2]}; got keys {AttentionShapes.Show(prefixKeys)}, values {AttentionShapes.Show(prefixValues)} (dimension mismatch)", nameof(prefixKeys));
        }

        AttentionShapes.RequireSameKind(prefixKeys, z, nameof(prefixKeys));
        AttentionShapes.RequireSameKind(prefixValues, z, nameof(prefixValues));
        long m = prefixKeys.shape[1];

        // Bound the feature block [H, chunk, r] to about 2^24 entries whatever r is (Taylor maps reach r ~ 10^6).
        chunkSize = Math.Max(1, Math.Min(chunkSize, (1L << 24) / Math.Max(1, FeatureMap.R * z.shape[0])));
        for (long start = 0; start < m; start += chunkSize)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(chunkSize, m - start);
            var features = FeatureMap.Apply(prefixKeys.narrow(1, start, n));
            var newZ = (z + bmm(features.transpose(1, 2), prefixValues.narrow(1, start, n))).DetachFromDisposeScope();
            var newK = (k + features.sum(1)).DetachFromDisposeScope();
            z.Dispose();
            k.Dispose();
            z = newZ;
            k = newK;
            Count += n;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        z.Dispose();
        k.Dispose();
    }

    private static void RequirePrefixShape(Tensor prefixKeys, Tensor prefixValues)
    {
        AttentionShapes.RequireRank(prefixKeys, 3, nameof(prefixKeys), "[heads, m, d_h]");
        AttentionShapes.RequireRank(prefixValues, 3, nameof(prefixValues), "[heads, m, d_v]");
        AttentionShapes.RequireFloat(prefixKeys, nameof(prefixKeys));
        if (prefixValues.shape[0] != prefixKeys.shape[0] || prefixValues.shape[1] != prefixKeys.shape[1])
        {
            throw new ArgumentException($"prefix values must have the keys' heads and length: keys {AttentionShapes.Show(prefixKeys)}, values {AttentionShapes.Show(prefixValues)} (dimension mismatch)", nameof(prefixValues));
        }
    }
}
