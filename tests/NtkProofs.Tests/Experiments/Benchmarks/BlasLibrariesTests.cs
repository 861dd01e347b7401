using System.Text.Json;
using NtkProofs.Experiments.Benchmarks;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>The bench's BLAS detection on faked library lists, and the refusal of a reference-BLAS baseline.</summary>
public sealed class BlasLibrariesTests
{
    private const string Reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";
    private const string ReferenceLapack = "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0";
    private const string OpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";
    private const string OpenBlasCore = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so";
    private const string Mkl = "/opt/intel/oneapi/mkl/lib/intel64/libmkl_rt.so.2";

    /// <summary>Which faked mapped-library lists count as the reference BLAS.</summary>
    /// <param name="expected">Whether the list is the reference BLAS only.</param>
    /// <param name="loaded">The faked /proc/self/maps libraries.</param>
    [Theory]
    [InlineData(true, new[] { Reference })]
    [InlineData(true, new[] { Reference, ReferenceLapack })]
    [InlineData(false, new[] { OpenBlas, OpenBlasCore })]
    [InlineData(false, new[] { Reference, OpenBlasCore })]
    [InlineData(false, new[] { Mkl })]
    [InlineData(false, new string[0])]
    public void Detects_the_reference_BLAS_from_the_mapped_libraries(bool expected, string[] loaded) =>
        Assert.Equal(expected, BlasLibraries.IsReference(loaded));

    /// <summary>A baseline on the reference BLAS is refused with a reason naming the library and the fix; an OpenBLAS one is used.</summary>
    [Fact]
    public void A_reference_BLAS_baseline_is_refused_and_an_OpenBLAS_one_is_not()
    {
        using var reference = JsonDocument.Parse(JsonSerializer.Serialize(new { torch = "1.13.0", blas_loaded = new[] { Reference, ReferenceLapack } }));
        string? reason = BlasLibraries.RefusalReason(reference.RootElement.Clone());
        Assert.NotNull(reason);
        Assert.Contains("reference BLAS", reason, StringComparison.Ordinal);
        Assert.Contains(Reference, reason, StringComparison.Ordinal);
        Assert.Contains("libopenblas0-pthread", reason, StringComparison.Ordinal);

        using var openblas = JsonDocument.Parse(JsonSerializer.Serialize(new { torch = "1.13.0", blas_loaded = new[] { OpenBlas, OpenBlasCore } }));
        Assert.Null(BlasLibraries.RefusalReason(openblas.RootElement.Clone()));

        // The script's own flag is honoured too, and a baseline that did not run is not refused.
        using var flagged = JsonDocument.Parse("{\"reference_blas\": true}");
        Assert.NotNull(BlasLibraries.RefusalReason(flagged.RootElement.Clone()));
        Assert.Null(BlasLibraries.RefusalReason(null));
    }
}
