using System.Text.Json;
using System.Text.RegularExpressions;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Which BLAS a baseline process runs on, from the shared libraries it has mapped (<c>/proc/self/maps</c>, as
/// experiments/baselines/attention_baseline.py reports them in <c>blas_loaded</c>). Debian's reference BLAS
/// (<c>/usr/lib/.../blas/libblas.so.3</c>, what <c>apt-get install python3-torch</c> brings without OpenBLAS) is ~30x slower than
/// OpenBLAS or MKL, so ratios against a baseline on it are not meaningful and the benchmark refuses them.
/// </summary>
public static partial class BlasLibraries
{
    /// <summary>True when the reference BLAS is mapped and no optimized BLAS (OpenBLAS, MKL, BLIS, ATLAS) is.</summary>
    /// <param name="loaded">Paths of the mapped libraries.</param>
    public static bool IsReference(IEnumerable<string> loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var paths = loaded.ToList();
        return paths.Any(p => ReferencePattern().IsMatch(p)) && !paths.Any(p => OptimizedPattern().IsMatch(p));
    }

    /// <summary>The mapped BLAS libraries a baseline reported (<c>blas_loaded</c>), empty when it did not say.</summary>
    /// <param name="info">The baseline's self-description.</param>
    public static IReadOnlyList<string> Loaded(JsonElement info) =>
        info.ValueKind == JsonValueKind.Object && info.TryGetProperty("blas_loaded", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    /// <summary>
    /// Why a baseline must be refused (it runs on the reference BLAS), or null when it may be used. The bench then drops
    /// the baseline's timings, so no ratio against it is reported (and no goal is "met" on an inflated ratio).
    /// </summary>
    /// <param name="info">The baseline's self-description, or null when it did not run.</param>
    /// <param name="baseline">The baseline's name in the message (PyTorch, NumPy).</param>
    /// <param name="package">The Debian package that brings it.</param>
    public static string? RefusalReason(JsonElement? info, string baseline = "PyTorch", string package = "python3-torch")
    {
        if (info is not { } i)
        {
            return null;
        }

        var loaded = Loaded(i);
        bool reported = i.ValueKind == JsonValueKind.Object && i.TryGetProperty("reference_blas", out var r) && r.ValueKind == JsonValueKind.True;
        return IsReference(loaded) || reported
            ? $"refused: the {baseline} baseline runs on the reference BLAS ({string.Join(", ", loaded.Where(p => ReferencePattern().IsMatch(p)))}), ~30x slower than OpenBLAS, so its ratios would be inflated; install libopenblas0-pthread (apt-get install {package} libopenblas0-pthread) and rerun"
            : null;
    }

    [GeneratedRegex(@"/blas/libblas\.so|/libblas\.so(\.\d+)*$|/libcblas\.so")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"openblas|mkl|blis|atlas", RegexOptions.IgnoreCase)]
    private static partial Regex OptimizedPattern();
}
