using NtkProofs.Adapters;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Support;

/// <summary>
/// Runs an NTK-Attention layer adapter unchanged and records, for every forward pass, the layer's prefix weight ratio
/// rho = max_i |phi(q_i) k| / S_i on its actual inputs (<see cref="NtkNearIdentity"/>).
/// </summary>
internal sealed class RatioRecordingHook(NtkAttentionLayerAdapter inner, List<double> ratios) : IAttentionAdapter
{
    public Tensor AdaptQuery(Tensor hidden, Tensor query) => inner.AdaptQuery(hidden, query);

    public Tensor AdaptKey(Tensor hidden, Tensor key) => inner.AdaptKey(hidden, key);

    public Tensor AdaptValue(Tensor hidden, Tensor value) => inner.AdaptValue(hidden, value);

    public Tensor Attend(AttentionInputs inputs)
    {
        ratios.Add(NtkNearIdentity.PrefixWeightRatio(inputs, inner));
        return inner.Attend(inputs);
    }

    /// <summary>Last hidden states of <paramref name="bert"/> without hooks and with <paramref name="adapter"/> (recording rho per layer), evaluation mode, no gradients.</summary>
    public static (Tensor Plain, Tensor Adapted, List<double> Ratios) Compare(BertModel bert, NtkAttentionAdapter adapter, Tensor ids, Tensor mask)
    {
        var ratios = new List<double>();
        using var noGrad = no_grad();
        bert.eval();
        try
        {
            bert.SetAdapters(new IAttentionAdapter?[bert.Config.NumLayers]);
            var plain = bert.forward(ids, mask);
            bert.SetAdapters([.. adapter.Layers.Select(l => (IAttentionAdapter?)new RatioRecordingHook(l, ratios))]);
            var adapted = bert.forward(ids, mask);
            return (plain, adapted, ratios);
        }
        finally
        {
            bert.SetAdapters(new IAttentionAdapter?[bert.Config.NumLayers]);
        }
    }
}
