using TorchSharp;

namespace NtkProofs.Numerics;

/// <summary>
/// Process-wide TorchSharp settings. <c>torch.set_num_threads</c> is global to the process, so it is set here
/// once and never from concurrent code paths.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static int configuredThreads;

    /// <summary>The number of intra-op threads TorchSharp uses, after <see cref="Configure"/>.</summary>
    public static int Threads => configuredThreads > 0 ? configuredThreads : torch.get_num_threads();

    /// <summary>
    /// Sets the TorchSharp thread count once per process. Later calls with a different count change it
    /// (callers such as the CLI's <c>--threads</c> own that decision); calls with the same count are no-ops.
    /// </summary>
    /// <param name="threads">Threads to use; 0 or less means one per logical core.</param>
    public static void Configure(int threads = 0)
    {
        int wanted = threads > 0 ? threads : Environment.ProcessorCount;
        lock (Gate)
        {
            if (configuredThreads == wanted)
            {
                return;
            }

            torch.set_num_threads(wanted);
            configuredThreads = wanted;
        }
    }

    /// <summary>The libtorch version TorchSharp loaded.</summary>
    public static string LibTorchVersion => torch.__version__;

    /// <summary>Runs <paramref name="work"/> with <paramref name="threads"/> torch threads, then restores the previous count.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="threads">Threads during the work.</param>
    /// <param name="work">The work.</param>
    public static T WithThreads<T>(int threads, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        int previous = Threads;
        Configure(threads);
        try
        {
            return work();
        }
        finally
        {
            Configure(previous);
        }
    }
}
