using System.Globalization;
using System.Runtime.InteropServices;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>
/// Peak resident memory of a piece of work on Linux: /proc/self/clear_refs resets the high-water mark VmHWM, which is then
/// compared with VmRSS before the work. <see cref="UseExactResidentMemory"/> makes glibc mmap every block of 64 KiB or more and
/// return it on free, so that resident memory tracks live tensors instead of the allocator's cache (it adds page faults, so
/// call it only after the timed runs, and <see cref="RestoreCachingAllocator"/> when done).
/// </summary>
internal static class ProcessMemory
{
    private const int MmapThreshold = -3;
    private const int TrimThreshold = -1;

    /// <summary>Whether peak measurement works here (Linux with a writable clear_refs).</summary>
    public static bool Available => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>Switches glibc to mmap blocks of 64 KiB and more (M_MMAP_THRESHOLD), for exact resident memory.</summary>
    public static bool UseExactResidentMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // Then hand the allocator's cached free pages back to the kernel, so that reusing them counts as resident again.
            return Mallopt(MmapThreshold, 64 * 1024) == 1 && MallocTrim(0) >= 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends <see cref="UseExactResidentMemory"/>: blocks below 32 MiB come from the heap again and up to 64 MiB of freed heap
    /// is kept (glibc's dynamic thresholds settle at these values; setting one disables the adjustment, so both are set).
    /// Without this, every allocation of 64 KiB or more stayed an mmap with fresh page faults for the rest of the process:
    /// in one report run, everything timed after the attention benchmark (perf, inference, width-bench) ran up to 2x slow.
    /// </summary>
    public static void RestoreCachingAllocator()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThreshold, 32 * 1024 * 1024);
            _ = Mallopt(TrimThreshold, 64 * 1024 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Nothing was changed either.
        }
    }

    /// <summary>Peak resident memory during <paramref name="work"/> above the resident memory before it, in MiB (null if unavailable).</summary>
    public static double? PeakExtraMiB(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Available)
        {
            work();
            return null;
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            work();
            return null;
        }

        TrimQuietly();
        long before = StatusKiB("VmRSS:");
        work();
        return (StatusKiB("VmHWM:") - before) / 1024.0;
    }

    private static long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static void TrimQuietly()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without malloc_trim the peak is a lower bound; nothing else to do.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int parameter, int value);
}
