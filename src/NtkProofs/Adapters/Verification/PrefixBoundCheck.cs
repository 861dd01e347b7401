using System.Globalization;
using NtkProofs.Numerics;
using NtkProofs.Tokenization;
using NtkProofs.Transformers;
using static TorchSharp.torch;

namespace NtkProofs.Adapters.Verification;

/// <summary>
/// The Theorem B part of an adapter check (THEORY.md Part B): an NTK-Attention adapter whose Z and k were computed in closed
/// form from a prefix with Taylor features (<see cref="NtkPrefixAdapter"/>; the folder carries the prefix in
/// <see cref="PrefixSourceFile"/>) must, on the probe inputs, lie within 2 eps_g / (1 - eps_g) max |v| of exact prefix attention
/// with that prefix, in every layer and head. The probe batch runs through the loaded model once; in each layer the adapter's
/// NTK-Attention and <c>PrefixAttention</c> are evaluated on the layer's own Q, K, V in float64 (<see cref="PrefixBoundProbe"/>),
/// with beta over the probe's real queries and the prefix keys. Where eps_g &gt;= 1 the theorem claims nothing and the head is
/// reported as "bound not claimed"; the check passes when every claimed head is within its bound plus
/// <see cref="Tolerance.Float32"/>'s absolute term times max |v| (Z and k are stored in float32), and is not applicable when
/// no head is claimed.
/// </summary>
public static class PrefixBoundCheck
{
    /// <summary>The file in which a prefix-built NTK-Attention adapter keeps its source prefix (keys and values per layer).</summary>
    public const string PrefixSourceFile = NtkPrefixSource.FileName;

    /// <summary>The check's name in the verification table.</summary>
    public const string Name = "Theorem B bound on the probe inputs";

    /// <summary>Whether the folder holds an NTK-Attention adapter built in closed form from a prefix.</summary>
    /// <param name="config">The adapter's configuration.</param>
    /// <param name="directory">The adapter folder.</param>
    public static bool Applies(AdapterConfig config, string directory) =>
        config is NtkAttentionAdapterConfig && File.Exists(Path.Combine(directory, PrefixSourceFile));

    /// <summary>The Theorem B row of the verification.</summary>
    /// <param name="config">The adapter's configuration.</param>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="model">The model with the adapter loaded, or null when loading failed.</param>
    /// <param name="probe">The probe batch.</param>
    public static AdapterCheck Check(AdapterConfig config, string directory, AdaptedClassifier? model, TokenBatch probe)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(probe);
        if (!Applies(config, directory))
        {
            return new AdapterCheck(Name, AdapterCheckStatus.NotApplicable, config is NtkAttentionAdapterConfig
                ? $"not applicable (an NTK-Attention adapter without {PrefixSourceFile}: trained, not built from a prefix)"
                : $"not applicable (no prefix-built NTK adapter: this is a '{config.Method}' adapter)");
        }

        if (model is null)
        {
            return new AdapterCheck(Name, AdapterCheckStatus.NotRun, "not run: the adapter did not load");
        }

        var ntkConfig = (NtkAttentionAdapterConfig)config;
        if (ntkConfig.FeatureMap != NtkAttentionAdapterConfig.Taylor || ntkConfig.TaylorDegree % 2 != 0 || ntkConfig.Rank is not null || model.Adapter is not NtkAttentionAdapter adapter)
        {
            return new AdapterCheck(Name, AdapterCheckStatus.Failed,
                $"the folder has {PrefixSourceFile}, but Theorem B covers Taylor features of even degree with a full Z; this adapter has {ntkConfig.FeatureMap} features (degree {ntkConfig.TaylorDegree}){(ntkConfig.Rank is { } s ? $" and Z of rank {s}" : string.Empty)}");
        }

        NtkPrefixSource source;
        try
        {
            source = NtkPrefixSource.Load(directory, model.Bert.Config);
        }
        catch (AdapterLoadException e)
        {
            return new AdapterCheck(Name, AdapterCheckStatus.Failed, e.Message);
        }

        using (source)
        {
            var heads = Measure(model, adapter, source, probe, ntkConfig.TaylorDegree);
            return Verdict(heads, source, probe, ntkConfig.TaylorDegree);
        }
    }

    private static List<PrefixBoundHead> Measure(AdaptedClassifier model, NtkAttentionAdapter adapter, NtkPrefixSource source, TokenBatch probe, int degree)
    {
        var probes = adapter.Layers.Select(l => new PrefixBoundProbe(l, source.Keys(l.LayerIndex), source.Values(l.LayerIndex), degree)).ToList();
        bool wasTraining = model.training;
        model.Bert.SetAdapters(probes);
        try
        {
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.forward(probe.InputIds, probe.AttentionMask);
            return [.. probes.SelectMany(p => p.Heads)];
        }
        finally
        {
            model.Bert.SetAdapters(adapter.LayerHooks);
            model.train(wasTraining);
        }
    }

    private static AdapterCheck Verdict(IReadOnlyList<PrefixBoundHead> heads, NtkPrefixSource source, TokenBatch probe, int degree)
    {
        string setting = F($"{source.Layers} layers x {heads.Count / Math.Max(1, source.Layers)} heads, prefix m = {source.Length}, taylor:{degree}, {probe.Count} probe sentences");
        var claimed = heads.Where(h => h.Bound.Claimed).ToList();
        int notClaimed = heads.Count - claimed.Count;
        if (claimed.Count == 0)
        {
            var smallest = heads.MinBy(h => h.Bound.Beta);
            return new AdapterCheck(Name, AdapterCheckStatus.NotApplicable,
                F($"bound not claimed: eps_g >= 1 in every layer and head ({setting}; smallest beta {smallest.Bound.Beta:G4}, eps_g {smallest.Bound.EpsG:G4}); largest measured gap {heads.Max(h => h.Measured):E3}"));
        }

        static double Allowance(PrefixBoundHead h) => Tolerance.Float32.Absolute * h.Bound.ValueMax;
        var violations = claimed.Where(h => !(h.Measured <= h.Bound.Bound + Allowance(h))).ToList();
        string unclaimed = notClaimed == 0 ? string.Empty : F($"; {notClaimed} with eps_g >= 1: bound not claimed");
        if (violations.Count > 0)
        {
            var worst = violations.MaxBy(h => h.Measured / Math.Max(h.Bound.Bound + Allowance(h), double.Epsilon));
            return new AdapterCheck(Name, AdapterCheckStatus.Failed,
                F($"{violations.Count} of {claimed.Count} claimed layer-heads exceed the bound ({setting}); worst: {Describe(worst)}{unclaimed}"));
        }

        var tightest = claimed.MaxBy(h => h.Measured / Math.Max(h.Bound.Bound, double.Epsilon));
        return new AdapterCheck(Name, AdapterCheckStatus.Passed,
            F($"{claimed.Count} of {heads.Count} layer-heads claimed (eps_g < 1), all within the bound ({setting}); tightest: {Describe(tightest)}{unclaimed}"));
    }

    private static string Describe(PrefixBoundHead h) =>
        F($"layer {h.Layer} head {h.Head}: measured gap {h.Measured:E3}, bound {h.Bound.Bound:E3} (beta {h.Bound.Beta:G4}, eps_g {h.Bound.EpsG:E3}, max |v| {h.Bound.ValueMax:G4}, measured/bound {h.Bound.Tightness(h.Measured):G3})");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
