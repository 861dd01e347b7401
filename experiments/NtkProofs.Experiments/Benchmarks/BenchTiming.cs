using System.Diagnostics;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The one timing loop of the benchmarks (C# side; the Python baselines use the same rule).</summary>
public static class BenchTiming
{
    /// <summary>A warm-up slower than this many seconds counts as one of the repetitions.</summary>
    public const double WarmUpCountsAfter = 1.0;

    /// <summary>
    /// One warm-up, then at least <paramref name="minimum"/> and at most <paramref name="maximum"/> timed calls, stopping once
    /// <paramref name="budgetSeconds"/> are spent. A warm-up slower than <see cref="WarmUpCountsAfter"/> seconds counts as one
    /// of the repetitions (one-time costs are small next to such a call, and the minimum over the rounds discards them anyway).
    /// </summary>
    /// <param name="work">The timed work.</param>
    /// <param name="minimum">Least timed calls.</param>
    /// <param name="maximum">Most timed calls.</param>
    /// <param name="budgetSeconds">No call beyond the minimum starts after this.</param>
    /// <param name="placement">Device of the work (null: the CPU); on CUDA each call waits for the device before the clock stops.</param>
    /// <returns>Wall seconds of every timed call.</returns>
    public static List<double> Samples(Action work, int minimum, int maximum, double budgetSeconds, NtkProofs.Numerics.DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (placement is { IsCuda: true })
        {
            var onDevice = work;
            work = () =>
            {
                onDevice();
                placement.Synchronize();
            };
        }

        var warmUp = Stopwatch.StartNew();
        work();
        var times = new List<double>();
        if (warmUp.Elapsed.TotalSeconds > WarmUpCountsAfter)
        {
            times.Add(warmUp.Elapsed.TotalSeconds);
        }

        var total = Stopwatch.StartNew();
        while (times.Count < minimum || (times.Count < maximum && total.Elapsed.TotalSeconds < budgetSeconds))
        {
            var clock = Stopwatch.StartNew();
            work();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return times;
    }
}
