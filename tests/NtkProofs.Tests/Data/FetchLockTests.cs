using NtkProofs.Data;
using Xunit;

namespace NtkProofs.Tests.Data;

/// <summary>Parallel loaders that find an empty cache fetch it once (the race two sweep shards hit on a fresh machine).</summary>
public sealed class FetchLockTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fetchlock").FullName;

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public async Task A_loader_waits_for_another_fetch_and_then_finds_the_cache_filled()
    {
        string cache = Path.Combine(root, "cache", "corpus");
        string file = Path.Combine(cache, "data.csv");
        int fetches = 0;
        var log = new StringWriter();
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        var waiter = default(Task);
        using (new FileStream(cache + ".fetch.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
            // Another fetcher holds the lock: the loader waits, and says so.
            waiter = Task.Run(() => FetchLock.FetchOnce(cache, () => File.Exists(file), () => Interlocked.Increment(ref fetches), TextWriter.Synchronized(log)));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!log.ToString().Contains("another process is fetching", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Contains("another process is fetching", log.ToString(), StringComparison.Ordinal);
            Assert.False(waiter.IsCompleted);
            Directory.CreateDirectory(cache);
            File.WriteAllText(file, "x");
        }

        await waiter.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, fetches);
        Assert.False(File.Exists(cache + ".fetch.lock"));
    }

    [Fact]
    public void An_empty_cache_is_fetched_once_under_the_lock_and_a_filled_one_not_at_all()
    {
        string cache = Path.Combine(root, "fresh");
        string file = Path.Combine(cache, "data.csv");
        int fetches = 0;
        void Fetch()
        {
            fetches++;
            Assert.True(File.Exists(cache + ".fetch.lock"));
            Directory.CreateDirectory(cache);
            File.WriteAllText(file, "x");
        }

        FetchLock.FetchOnce(cache, () => File.Exists(file), Fetch);
        FetchLock.FetchOnce(cache, () => File.Exists(file), Fetch);
        Assert.Equal(1, fetches);
    }

    [Fact]
    public void A_failed_fetch_releases_the_lock_and_the_next_caller_tries_again()
    {
        string cache = Path.Combine(root, "other");
        int calls = 0;
        Assert.Throws<DatasetUnavailableException>(() => FetchLock.FetchOnce(cache, () => false, () => { calls++; throw new DatasetUnavailableException("offline"); }));
        FetchLock.FetchOnce(cache, () => calls > 1, () => calls++);
        Assert.Equal(2, calls);
    }
}
