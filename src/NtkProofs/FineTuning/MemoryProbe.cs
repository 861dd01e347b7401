using System.Globalization;

namespace NtkProofs.FineTuning;

/// <summary>
/// Process memory as the operating system sees it (Linux <c>/proc/self/status</c>): the resident set (VmRSS) and its peak
/// (VmHWM), which include libtorch's CPU allocations (weights, activations, gradients, optimizer state) as well as the
/// .NET heap and native libraries. TorchSharp exposes no CPU allocator statistics, so tensor memory is not measured
/// directly; <see cref="TensorMemoryEstimate"/> gives the analytic parameter/gradient/optimizer bytes instead.
/// </summary>
public static class MemoryProbe
{
    /// <summary>Current resident set size in bytes (VmRSS; falls back to <see cref="Environment.WorkingSet"/>).</summary>
    public static long CurrentRssBytes => ReadStatus("VmRSS:") ?? Environment.WorkingSet;

    /// <summary>Peak resident set size in bytes since start or the last <see cref="ResetPeak"/> (VmHWM).</summary>
    public static long PeakRssBytes => ReadStatus("VmHWM:") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>Bytes in the managed (GC) heap.</summary>
    public static long ManagedHeapBytes => GC.GetTotalMemory(forceFullCollection: false);

    /// <summary>Live TorchSharp tensors created on this thread (DisposeScopeManager statistics).</summary>
    public static long LiveTensorCount => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>
    /// Returns memory that is free but still resident to the operating system, so that the RSS measured next reflects live
    /// allocations only: a full garbage collection (which also runs the finalizers of undisposed tensors), then glibc's
    /// <c>malloc_trim(0)</c>, which releases the free pages that libtorch's CPU allocations leave in the malloc heap. Without
    /// it, several runs in one process (a sweep) each start from the previous runs' high-water mark. Returns false where
    /// <c>malloc_trim</c> is unavailable (not glibc).
    /// </summary>
    public static bool ReleaseFreedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        try
        {
            return OperatingSystem.IsLinux() && MallocTrim(0) >= 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Resets the kernel's peak-RSS counter (writes 5 to <c>/proc/self/clear_refs</c>); false where unsupported.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static long? ReadStatus(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }
}
