using System.Diagnostics;

namespace NtkProofs.Experiments.Benchmarks;

/// <summary>The one timing loop of the benchmarks (C# side; the Python baselines use the same rule).</summary>
public static class BenchTiming
{
    /// <summary>Most untimed warm-up calls per case and round.</summary>
    public const int WarmUpCalls = 3;

    /// <summary>Warm-up stops once this many seconds are spent (after at least one call).</summary>
    public const double WarmUpSeconds = 2.0;

    /// <summary>
    /// Untimed warm-up calls (up to <see cref="WarmUpCalls"/>, stopping once <see cref="WarmUpSeconds"/> are spent), then at
    /// least <paramref name="minimum"/> and at most <paramref name="maximum"/> timed calls, stopping once
    /// <paramref name="budgetSeconds"/> are spent. More than one warm-up because allocation-heavy work is slow for its first
    /// calls in a process on this VM: prefix attention forward + backward (about 560 MiB per call) took 1.9, 1.9, 1.3, 1.5,
    /// 1.6, 1.9 s and then 0.8-1.0 s in 14 consecutive calls, so one warm-up left the minimum of a few samples near 1.0 s.
    /// The Python baselines (experiments/baselines/bench_common.py) follow the same rule.
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
        int warmUps = 0;
        do
        {
            work();
            warmUps++;
        }
        while (warmUps < WarmUpCalls && warmUp.Elapsed.TotalSeconds < WarmUpSeconds);

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minimum || (times.Count < maximum && total.Elapsed.TotalSeconds < budgetSeconds))
        {
            var clock = Stopwatch.StartNew();
            work();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return times;
    }

    /// <summary>One timed call without warm-up (for probes that alternate two already-warm calls).</summary>
    /// <param name="work">The timed work.</param>
    /// <param name="placement">Device of the work (null: the CPU); on CUDA the clock stops after the device finishes.</param>
    /// <returns>Its wall seconds.</returns>
    public static double Once(Action work, NtkProofs.Numerics.DevicePlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        work();
        if (placement is { IsCuda: true })
        {
            placement.Synchronize();
        }

        return clock.Elapsed.TotalSeconds;
    }
}
