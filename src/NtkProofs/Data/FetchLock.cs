namespace NtkProofs.Data;

/// <summary>
/// A cross-process lock around fetching a data cache, so that parallel shards of a sweep that find the cache empty fetch it
/// once: the first takes the lock and fetches, the others wait, then find the cache filled. An exclusive open of
/// <c>&lt;cache&gt;.fetch.lock</c> (flock on Unix), released by the OS if the process dies.
/// </summary>
public static class FetchLock
{
    /// <summary>How long a process waits for another one's fetch before giving up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Runs <paramref name="fetch"/> under the lock of <paramref name="cacheDirectory"/> unless <paramref name="cached"/> holds
    /// once the lock is taken (another process fetched meanwhile).
    /// </summary>
    /// <param name="cacheDirectory">The cache folder (its parent is created if missing).</param>
    /// <param name="cached">Whether the cache is filled.</param>
    /// <param name="fetch">Fills the cache.</param>
    /// <param name="log">Progress messages (optional).</param>
    public static void FetchOnce(string cacheDirectory, Func<bool> cached, Action fetch, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(cacheDirectory);
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(fetch);
        if (cached())
        {
            return;
        }

        string full = Path.GetFullPath(cacheDirectory).TrimEnd(Path.DirectorySeparatorChar);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string lockPath = full + ".fetch.lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool said = false;
        while (true)
        {
            FileStream held;
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < Patience)
            {
                if (!said)
                {
                    log?.WriteLine($"another process is fetching into {cacheDirectory}; waiting for it ...");
                    said = true;
                }

                Thread.Sleep(500);
                continue;
            }
            catch (IOException e)
            {
                throw new DatasetUnavailableException($"another process has held {lockPath} for more than {Patience.TotalMinutes:F0} minutes while fetching into {cacheDirectory}; if none is running, delete the lock file", e);
            }

            using (held)
            {
                if (!cached())
                {
                    fetch();
                }

                return;
            }
        }
    }
}
