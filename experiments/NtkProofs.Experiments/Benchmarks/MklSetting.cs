namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// MKL's conditional numerical reproducibility setting (MKL_CBWR), read once at MKL's start. ./ntkproofs sets COMPATIBLE for
/// bitwise reproducibility, which runs MKL's SSE2 code path: libtorch's float64 GEMM then runs several times below the
/// machine's AVX2 / AVX-512 rate (measured here on 2 loaded cores: float64 ~6-13 against ~26-45 GFLOP/s, float32 ~20-40
/// against ~66), so performance is measured with MKL_CBWR=AUTO.
/// </summary>
public static class MklSetting
{
    /// <summary>This process's MKL_CBWR, or "unset".</summary>
    public static string Current => Environment.GetEnvironmentVariable("MKL_CBWR") is { Length: > 0 } v ? v : "unset";

    /// <summary>A warning when the setting slows MKL down (COMPATIBLE, SSE2, ...), else null.</summary>
    /// <param name="setting">The MKL_CBWR value recorded with a result.</param>
    public static string? Warning(string setting) =>
        setting is "unset" or "AUTO" || setting.StartsWith("AUTO", StringComparison.OrdinalIgnoreCase) || setting.StartsWith("AVX", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"MKL_CBWR={setting}: MKL runs a reduced code path, so the C# times and the GEMM rate are below the machine's; measure performance with MKL_CBWR=AUTO ./ntkproofs bench perf ...";
}
