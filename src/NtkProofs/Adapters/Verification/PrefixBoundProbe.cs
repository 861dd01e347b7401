using NtkProofs.Attention;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters.Verification;

/// <summary>
/// A measuring hook for <see cref="PrefixBoundCheck"/>: installed in place of an NTK-Attention layer adapter, it passes the
/// layer's computation through unchanged and, on the way, evaluates the adapter's NTK-Attention and exact prefix attention
/// (<see cref="PrefixAttention"/>) with the saved prefix on the same Q, K, V in float64, per head: the measured gap over the
/// real (non-padding) query rows, and the Theorem B bound with beta over those queries and the prefix keys and max |v| over
/// the prefix values and the real input values.
/// </summary>
internal sealed class PrefixBoundProbe : IAttentionAdapter
{
    private readonly NtkAttentionLayerAdapter layer;
    private readonly Tensor prefixKeys;
    private readonly Tensor prefixValues;
    private readonly int degree;
    private readonly List<PrefixBoundHead> heads = [];

    /// <summary>Wraps <paramref name="layer"/> with its prefix (both [H, m, d_h]).</summary>
    public PrefixBoundProbe(NtkAttentionLayerAdapter layer, Tensor prefixKeys, Tensor prefixValues, int degree)
    {
        this.layer = layer;
        this.prefixKeys = prefixKeys;
        this.prefixValues = prefixValues;
        this.degree = degree;
    }

    /// <summary>The measurements of the last forward pass, one per head.</summary>
    public IReadOnlyList<PrefixBoundHead> Heads => heads;

    /// <inheritdoc />
    public Tensor AdaptQuery(Tensor hidden, Tensor query) => layer.AdaptQuery(hidden, query);

    /// <inheritdoc />
    public Tensor AdaptKey(Tensor hidden, Tensor key) => layer.AdaptKey(hidden, key);

    /// <inheritdoc />
    public Tensor AdaptValue(Tensor hidden, Tensor value) => layer.AdaptValue(hidden, value);

    /// <inheritdoc />
    public Tensor Attend(AttentionInputs inputs)
    {
        var output = layer.Attend(inputs);
        Measure(inputs);
        return output;
    }

    private void Measure(AttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        heads.Clear();
        long b = inputs.Batch, l = inputs.Length;
        var q = inputs.Query.detach().to(ScalarType.Float64);
        var k = inputs.Key.detach().to(ScalarType.Float64);
        var v = inputs.Value.detach().to(ScalarType.Float64);
        var pk = prefixKeys.to(ScalarType.Float64, q.device);
        var pv = prefixValues.to(ScalarType.Float64, q.device);
        var z = layer.EffectiveZ().detach().to(ScalarType.Float64);
        var kSum = layer.EffectiveK().detach().to(ScalarType.Float64);
        var mask = KeyMask.Keep(inputs.KeyMask);
        bool causal = layer.Config.Causal;
        var ntk = NtkAttention.Forward(q, k, v, layer.FeatureMap, z, kSum, causal, mask);
        var exact = PrefixAttention.Forward(q, k, v, pk, pv, causal, mask);

        // Padding rows are set to 0: they neither add to a max |.| nor to beta (|<0, kappa>| = 0) or max |v|.
        var padding = inputs.KeyMask.logical_not().view(b, 1, l, 1);
        var gap = (ntk - exact).abs().masked_fill(padding, 0);
        var realQueries = q.masked_fill(padding, 0);
        var realValues = v.masked_fill(padding, 0);
        for (int h = 0; h < inputs.Heads; h++)
        {
            double measured = gap.select(1, h).max().item<double>();
            double beta = TheoremB.Beta(realQueries.narrow(1, h, 1), pk.narrow(0, h, 1));
            double valueMax = TheoremB.ValueMax(pv.select(0, h), realValues.select(1, h));
            heads.Add(new PrefixBoundHead(layer.LayerIndex, h, TheoremB.Evaluate(beta, degree, valueMax), measured));
        }
    }
}
