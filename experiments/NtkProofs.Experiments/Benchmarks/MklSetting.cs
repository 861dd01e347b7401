namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// MKL's conditional numerical reproducibility setting (MKL_CBWR), read once at MKL's start. ./ntkproofs sets AUTO (same bits
/// run to run on one machine, MKL's fast code path). COMPATIBLE (same bits across processors) runs MKL's SSE2 code path:
/// libtorch's GEMM then runs at about half the machine's rate (float64 20 against 43 GFLOP/s, float32 62 against 102 here), so
/// a result measured under it carries a warning.
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
            : $"MKL_CBWR={setting}: MKL runs a reduced code path, so the C# times and the GEMM rate are below the machine's; measure performance with MKL_CBWR=AUTO (the ./ntkproofs default)";
}
