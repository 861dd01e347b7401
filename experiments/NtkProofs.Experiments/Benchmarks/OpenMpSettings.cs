namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// The OpenMP wait settings of libtorch's thread pool (libgomp), which move our timings by up to 1.8x on a 2-core machine:
/// threads that sleep at once after each parallel region (OMP_WAIT_POLICY=PASSIVE) make every short torch operation pay a
/// wake-up (the tied empirical kernel, thousands of Gram blocks, 1685 ms against 918 ms), threads that spin long (ACTIVE, or
/// libgomp's default spin count) take a core from our own .NET-threaded kernels (the fused fixed kernel 18.8 ms against
/// 11.2 ms). <c>./ntkproofs</c> therefore leaves the policy to libgomp and bounds the spin (GOMP_SPINCOUNT=10000), measured
/// best or within noise of the best on every benchmark row and 7% faster per fine-tuning step than PASSIVE. The benchmarks
/// print the settings they ran under; peers run without them (<see cref="BaselineProcess"/>).
/// </summary>
public static class OpenMpSettings
{
    /// <summary>The variables that set libgomp's waiting (removed from a peer's environment).</summary>
    public static IReadOnlyList<string> Variables { get; } = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT"];

    /// <summary>The settings of this process in words, e.g. "OMP_WAIT_POLICY unset, GOMP_SPINCOUNT 10000".</summary>
    public static string Describe() => string.Join(", ", Variables.Select(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 } value ? $"{v} {value}" : $"{v} unset"));
}
