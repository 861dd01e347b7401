namespace NtkProofs.Adapters.Verification;

/// <summary>
/// The Theorem B part of an adapter check (THEORY.md Part B): for an NTK-Attention adapter whose Z and k were computed in
/// closed form from a prefix with Taylor features, the outputs on the probe inputs must lie within
/// 2 eps_g / (1 - eps_g) max|v| of exact prefix attention with that prefix. Such an adapter folder carries the prefix it
/// was built from in <see cref="PrefixSourceFile"/>.
/// <para>
/// Extension point: the bound needs prefix attention, the Taylor feature map and the Theorem B calculator of
/// <c>NtkProofs.Attention</c> (branch <c>attention</c>), which is not merged into this branch. Until it is, every adapter
/// without a prefix source is reported as not applicable, and one with a prefix source fails with that reason; nothing is
/// reported as checked that was not. Once merged, <see cref="Check"/> computes beta over the probe queries and prefix keys,
/// eps_g, the bound and the measured max-abs gap per layer.
/// </para>
/// </summary>
public static class PrefixBoundCheck
{
    /// <summary>The file in which a prefix-built NTK-Attention adapter keeps its source prefix (keys and values per layer).</summary>
    public const string PrefixSourceFile = "prefix_source.safetensors";

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
    public static AdapterCheck Check(AdapterConfig config, string directory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(directory);
        if (!Applies(config, directory))
        {
            return new AdapterCheck(Name, AdapterCheckStatus.NotApplicable, config is NtkAttentionAdapterConfig
                ? $"not applicable (an NTK-Attention adapter without {PrefixSourceFile}: trained, not built from a prefix)"
                : $"not applicable (no prefix-built NTK adapter: this is a '{config.Method}' adapter)");
        }

        return new AdapterCheck(Name, AdapterCheckStatus.Failed,
            $"cannot check: the adapter was built from a prefix ({PrefixSourceFile}), but prefix attention and the Theorem B calculator live in NtkProofs.Attention (branch 'attention'), which is not merged");
    }
}
