using System.Runtime.InteropServices;

namespace NtkProofs.Numerics;

/// <summary>
/// Makes MKL's reductions reproducible bit for bit (<c>MKL_CBWR=COMPATIBLE</c>) unless the user chose otherwise.
/// MKL reads the variable from the native environment when libtorch loads, so it is set with libc's <c>setenv</c>
/// (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the native environment on Linux)
/// and must run before the first TorchSharp call.
/// </summary>
public static partial class DeterministicBlas
{
    /// <summary>The variable MKL reads.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The value that makes runs bit-identical.</summary>
    public const string Compatible = "COMPATIBLE";

    /// <summary>The value in effect after <see cref="Ensure"/> (the user's own choice is kept).</summary>
    public static string Value => Environment.GetEnvironmentVariable(Variable) ?? "(unset)";

    /// <summary>Sets <c>MKL_CBWR=COMPATIBLE</c> in the process and native environment when it is not already set.</summary>
    public static void Ensure()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            return;
        }

        Environment.SetEnvironmentVariable(Variable, Compatible);
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnv(Variable, Compatible, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
