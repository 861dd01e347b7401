using System.Runtime.InteropServices;

namespace NtkProofs.Numerics;

/// <summary>
/// Makes MKL's reductions reproducible bit for bit run to run (<c>MKL_CBWR=AUTO</c>, MKL's conditional numerical
/// reproducibility on the code path MKL chooses for this processor) unless the user chose otherwise. Same machine, same
/// thread count: same bits. <c>COMPATIBLE</c> would also match across processors, but it forces MKL's SSE2 code path: measured
/// on the 2-core AMD EPYC development machine, float64 GEMM 20 GFLOP/s under COMPATIBLE against 43 under AUTO, float32 62
/// against 102 (2048^2 products), so it is not the default; set it yourself to compare bits across machines.
/// MKL reads the variable from the native environment when libtorch loads, so it is set with libc's <c>setenv</c>
/// (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the native environment on Linux)
/// and must run before the first TorchSharp call.
/// </summary>
public static partial class DeterministicBlas
{
    /// <summary>The variable MKL reads.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The default: bit-identical runs on one machine at a fixed thread count, on MKL's fastest code path for it.</summary>
    public const string Reproducible = "AUTO";

    /// <summary>Bit-identical across processors too, on MKL's SSE2 code path (about half the GEMM rate).</summary>
    public const string Compatible = "COMPATIBLE";

    /// <summary>The value in effect after <see cref="Ensure"/> (the user's own choice is kept).</summary>
    public static string Value => Environment.GetEnvironmentVariable(Variable) ?? "(unset)";

    /// <summary>Sets <c>MKL_CBWR=AUTO</c> in the process and native environment when it is not already set.</summary>
    public static void Ensure()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            return;
        }

        Environment.SetEnvironmentVariable(Variable, Reproducible);
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnv(Variable, Reproducible, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
