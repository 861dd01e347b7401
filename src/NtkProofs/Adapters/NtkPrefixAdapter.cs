using NtkProofs.Attention;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>
/// Builds an NTK-Attention adapter whose per-layer state is the closed form of a given prefix (THEORY.md Part B):
/// Z(P) = sum_i phi(K_P,i) V_P,i^T and k(P) = sum_i phi(K_P,i), with Taylor features of even degree g, a full Z and the signed
/// k parameterization (Taylor features have signed coordinates, so k(P) does too). By Theorem B the adapter then computes
/// prefix attention with that prefix up to 2 eps_g / (1 - eps_g) max |v|; <c>check-adapter</c> verifies this on the probe
/// inputs, reading the prefix from <see cref="NtkPrefixSource.FileName"/>, which <see cref="AdapterCheckpoint.Save"/> writes.
/// The prefix is given per layer as keys and values directly (prefix-tuning style), or as prefix tokens P [m, D] mapped
/// through each layer's frozen W_K, W_V (<see cref="FromTokens"/>).
/// </summary>
public static class NtkPrefixAdapter
{
    /// <summary>The adapter configuration of a prefix-built state with Taylor features of degree <paramref name="degree"/>.</summary>
    /// <param name="degree">g, even.</param>
    public static NtkAttentionAdapterConfig Config(int degree = 2) =>
        (NtkAttentionAdapterConfig)new NtkAttentionAdapterConfig(NtkAttentionAdapterConfig.Taylor, TaylorDegree: degree, KParameterization: KParameterization.Signed).Validated();

    /// <summary>Builds the adapter from per-layer prefix keys and values (copied; call it outside a dispose scope, which would free the adapter's parameters).</summary>
    /// <param name="baseConfig">The encoder shape.</param>
    /// <param name="prefix">One (K_P, V_P) pair per layer, each [H, m, d_h].</param>
    /// <param name="degree">Taylor degree g (even).</param>
    public static NtkAttentionAdapter Create(BertConfig baseConfig, IReadOnlyList<(Tensor Keys, Tensor Values)> prefix, int degree = 2)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        var source = NtkPrefixSource.Create(baseConfig, prefix);
        var adapter = new NtkAttentionAdapter(Config(degree), baseConfig);
        try
        {
            foreach (var layer in adapter.Layers)
            {
                using var scope = NewDisposeScope();
                var (z, k) = PrefixAccumulator.Compute(layer.FeatureMap, source.Keys(layer.LayerIndex), source.Values(layer.LayerIndex));
                layer.SetState(z, k);
            }

            adapter.AttachPrefixSource(source);
            return adapter;
        }
        catch
        {
            source.Dispose();
            adapter.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds the adapter from prefix tokens P [m, D] shared by all layers (P-Tuning v2 with the prefix as both key and value
    /// input): layer l's prefix is K_P = P W_K + b_K, V_P = P W_V + b_V with that layer's frozen projections.
    /// </summary>
    /// <param name="bert">The encoder the adapter is for.</param>
    /// <param name="tokens">P, [m, D].</param>
    /// <param name="degree">Taylor degree g (even).</param>
    public static NtkAttentionAdapter FromTokens(BertModel bert, Tensor tokens, int degree = 2)
    {
        ArgumentNullException.ThrowIfNull(bert);
        ArgumentNullException.ThrowIfNull(tokens);
        var config = bert.Config;
        if (tokens.dim() != 2 || tokens.shape[1] != config.HiddenSize || tokens.shape[0] < 1)
        {
            throw new ArgumentException($"prefix tokens must be [m, hidden] = [m, {config.HiddenSize}] with m >= 1, got [{string.Join(", ", tokens.shape)}] (dimension mismatch)", nameof(tokens));
        }

        // The projections live in a dispose scope; the adapter's parameters must not (the scope would free them).
        NtkPrefixSource projected;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            long m = tokens.shape[0];
            Tensor Heads(Tensor x) => x.view(m, config.NumHeads, config.HeadDim).transpose(0, 1);
            projected = NtkPrefixSource.Create(config, [.. bert.Layers.Select(layer => (Heads(layer.Attention.Self.Key.forward(tokens)), Heads(layer.Attention.Self.Value.forward(tokens))))]);
        }

        using (projected)
        {
            return Create(config, [.. Enumerable.Range(0, projected.Layers).Select(i => (projected.Keys(i), projected.Values(i)))], degree);
        }
    }
}
