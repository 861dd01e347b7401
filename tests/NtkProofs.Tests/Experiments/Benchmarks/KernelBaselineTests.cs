using NtkProofs.Experiments.Benchmarks;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>Parsing the NumPy kernel baseline's JSON (faked here, in the form experiments/baselines/kernel_baseline.py prints).</summary>
public sealed class KernelBaselineTests
{
    private const string OpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";
    private const string Reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";

    private static string Json(string loaded) => $$"""
        {"python": "3.11.2", "executable": "/usr/bin/python3", "numpy": "1.24.2", "threads": 2, "blas_threads": 2, "threadpools": null,
         "env_threads": {"OPENBLAS_NUM_THREADS": "2"}, "blas_config": "openblas_info: NOT AVAILABLE", "blas_loaded": ["{{loaded}}"], "reference_blas": false,
         "machine": "Linux", "gemm": {"size": 1024, "seconds_min": 0.05, "gflops": 42.9},
         "results": [
           {"seconds_min": 0.12, "seconds_median": 0.13, "repetitions": 3, "samples": [0.13, 0.12, 0.14], "variant": "fixed", "n": 64, "d": 16, "c": 1, "m": 65536, "flops": 671088640.0},
           {"seconds_min": 2.5, "seconds_median": 2.5, "repetitions": 1, "samples": [2.5], "variant": "tied", "n": 64, "d": 16, "c": 16, "m": 16384, "flops": 3.6e10}
         ]}
        """;

    /// <summary>Rows, samples, the peer's GEMM rate and its description come out of the JSON.</summary>
    [Fact]
    public void Parses_rows_samples_and_the_peers_description()
    {
        var run = KernelBaseline.Parse(Json(OpenBlas), 0, string.Empty);
        Assert.Null(run.Error);
        Assert.Equal(2, run.Rows.Count);
        var fixedRow = run.Rows[0];
        Assert.Equal(("fixed", 64, 16, 1, 65536L), (fixedRow.Variant, fixedRow.N, fixedRow.D, fixedRow.C, fixedRow.M));
        Assert.Equal([0.13, 0.12, 0.14], fixedRow.Samples);
        Assert.Equal(0.12, fixedRow.SecondsMin);
        Assert.Equal(671088640.0, fixedRow.Flops);
        Assert.Equal(16, run.Rows[1].C);
        Assert.Equal(42.9, run.GemmGflops);
        Assert.Equal($"NumPy 1.24.2 (/usr/bin/python3), BLAS loaded: {OpenBlas}, BLAS threads 2", run.Describe());
        Assert.True(fixedRow.SameCase(fixedRow with { Samples = [1.0] }));
        Assert.False(fixedRow.SameCase(fixedRow with { M = 4096 }));
    }

    /// <summary>A baseline on the reference BLAS is refused: no rows, so no ratio against it.</summary>
    [Fact]
    public void A_reference_BLAS_baseline_is_refused()
    {
        var run = KernelBaseline.Parse(Json(Reference), 0, string.Empty);
        Assert.Empty(run.Rows);
        Assert.NotNull(run.Error);
        Assert.StartsWith("refused: the NumPy baseline runs on the reference BLAS", run.Error, StringComparison.Ordinal);
        Assert.Contains("python3-numpy libopenblas0-pthread", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The script's own error, a crash without JSON, and JSON missing a field each give one line and no rows.</summary>
    [Fact]
    public void Failures_give_one_line_and_no_rows()
    {
        var reported = KernelBaseline.Parse("""{"error": "NumPy is not importable by /usr/bin/python3: No module named 'numpy'"}""", 3, string.Empty);
        Assert.Empty(reported.Rows);
        Assert.Equal("NumPy is not importable by /usr/bin/python3: No module named 'numpy'", reported.Error);
        Assert.Equal("no NumPy baseline ran", reported.Describe());

        var crashed = KernelBaseline.Parse(string.Empty, 1, "Traceback: MemoryError");
        Assert.Empty(crashed.Rows);
        Assert.Equal("the NumPy baseline failed (exit 1): Traceback: MemoryError", crashed.Error);

        var partial = KernelBaseline.Parse("""{"numpy": "1.24.2", "blas_loaded": [], "results": [{"variant": "fixed", "n": 64}]}""", 0, string.Empty);
        Assert.Empty(partial.Rows);
        Assert.StartsWith("the NumPy baseline's JSON lacks a field or has a wrong type", partial.Error, StringComparison.Ordinal);
        Assert.True(double.IsNaN(partial.GemmGflops));

        Assert.Equal("the NumPy baseline printed no JSON object (exit 0)", KernelBaseline.Parse("[1, 2]", 0, string.Empty).Error);
    }

    /// <summary>A missing interpreter is reported with the package to install, without starting anything.</summary>
    [Fact]
    public void A_missing_interpreter_names_the_package()
    {
        var run = KernelBaseline.Run("/no/such/python3", KernelBaseline.FindScript(), [("fixed", 16)], 4, 3, 1, 1, 1, 1, 0.1, 0, 1);
        Assert.Empty(run.Rows);
        Assert.StartsWith("/no/such/python3 not found: install Debian's python3-numpy", run.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(KernelBaseline.FindScript()), "experiments/baselines/kernel_baseline.py is found from the test binary");
    }
}
