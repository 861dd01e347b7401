using NtkProofs.Transformers;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NtkProofs.Adapters;

/// <summary>Computes <see cref="ZSpectrum"/> per layer and head from an adapter (claim C19).</summary>
public static class ZSpectra
{
    /// <summary>
    /// The spectra an adapter has: every head of a full-Z NTK-Attention adapter (<see cref="ZSpectrum.TrainedZ"/>), or of
    /// the closed form Z(P) of a prefix adapter under <paramref name="prefixFeatures"/> (<see cref="ZSpectrum.PrefixZ"/>);
    /// empty for other adapters (a low-rank Z has rank &lt;= s by construction).
    /// </summary>
    /// <param name="adapter">The adapter.</param>
    /// <param name="prefixFeatures">The NTK-Attention configuration whose phi builds Z(P) of a prefix (default elu1, r = d_h).</param>
    public static IReadOnlyList<ZSpectrum> Of(AdapterModule adapter, NtkAttentionAdapterConfig? prefixFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        switch (adapter)
        {
            case NtkAttentionAdapter { Config: NtkAttentionAdapterConfig { Rank: null } config } ntk:
                return [.. ntk.Layers.SelectMany(layer => Heads(ZSpectrum.TrainedZ, NtkAttentionMethod.FeatureName(config), layer.LayerIndex, layer.EffectiveZ()))];
            case PrefixTuningAdapter { Encoder.Length: > 0 } prefix:
                var features = prefixFeatures ?? new NtkAttentionAdapterConfig();
                using (var target = new NtkAttentionAdapter(features, prefix.BaseConfig))
                {
                    var list = new List<ZSpectrum>();
                    for (int i = 0; i < target.Layers.Count; i++)
                    {
                        var (z, _k) = PrefixConversion.ClosedForm(prefix, target, i);
                        using (z)
                        using (_k)
                        {
                            list.AddRange(Heads(ZSpectrum.PrefixZ, NtkAttentionMethod.FeatureName(features), i, z));
                        }
                    }

                    return list;
                }

            default:
                return [];
        }
    }

    /// <summary>
    /// <see cref="Of"/> for an adapter saved by <see cref="AdapterCheckpoint.Save"/>: rebuilds the adapter from
    /// <paramref name="config"/> and reads its weights (<c>adapter.*</c> of <see cref="AdapterCheckpoint.WeightsFile"/>).
    /// Empty for a method without a Z (nothing is read then).
    /// </summary>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="config">The adapter's configuration.</param>
    /// <param name="baseConfig">The encoder shape.</param>
    public static IReadOnlyList<ZSpectrum> FromCheckpoint(string directory, AdapterConfig config, BertConfig baseConfig)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseConfig);
        if (config is not (NtkAttentionAdapterConfig { Rank: null } or PrefixTuningAdapterConfig { NumVirtualTokens: > 0 }))
        {
            return [];
        }

        using var adapter = AdapterFactory.Create(config, baseConfig);
        var saved = NtkProofs.IO.SafetensorsCpu.Load(Path.Combine(directory, AdapterCheckpoint.WeightsFile));
        try
        {
            using var noGrad = no_grad();
            foreach (var (name, parameter) in adapter.named_parameters())
            {
                if (!saved.TryGetValue("adapter." + name, out var value) || !value.shape.SequenceEqual(parameter.shape))
                {
                    throw new InvalidDataException($"{Path.Combine(directory, AdapterCheckpoint.WeightsFile)} has no tensor adapter.{name} of shape [{string.Join(", ", parameter.shape)}]");
                }

                parameter.copy_(value);
            }

            adapter.eval();
            return Of(adapter);
        }
        finally
        {
            foreach (var t in saved.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>One spectrum per head of Z [H, r, d_h].</summary>
    /// <param name="source">The source label.</param>
    /// <param name="feature">The feature map name.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="z">Z, [H, r, d_h].</param>
    public static IReadOnlyList<ZSpectrum> Heads(string source, string feature, int layer, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() != 3)
        {
            throw new ArgumentException($"Z must be [heads, r, d_h], got [{string.Join(", ", z.shape)}]", nameof(z));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sigma = linalg.svdvals(z.detach().to(ScalarType.Float64, CPU));
        var values = sigma.data<double>().ToArray();
        int h = (int)sigma.shape[0], n = (int)sigma.shape[1];
        return [.. Enumerable.Range(0, h).Select(head => new ZSpectrum(source, feature, layer, head, values.Skip(head * n).Take(n).ToArray()))];
    }
}
