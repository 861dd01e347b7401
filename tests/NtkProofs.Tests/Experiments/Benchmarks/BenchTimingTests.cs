using NtkProofs.Experiments.Benchmarks;

namespace NtkProofs.Tests.Experiments.Benchmarks;

/// <summary>The timing loop: untimed warm-ups (at most three, fewer once two seconds are spent), then the timed calls.</summary>
public sealed class BenchTimingTests
{
    [Fact]
    public void Cheap_work_gets_three_untimed_warm_ups_then_at_least_the_minimum()
    {
        int calls = 0;
        var samples = BenchTiming.Samples(() => calls++, 4, 4, 0.0);
        Assert.Equal(4, samples.Count);
        Assert.Equal(BenchTiming.WarmUpCalls + 4, calls);
    }

    [Fact]
    public void Slow_work_stops_warming_up_after_the_warm_up_budget()
    {
        // Each call sleeps 1.1 s: the first two warm-ups spend 2.2 s > 2 s, so the third is skipped.
        int calls = 0;
        var samples = BenchTiming.Samples(() => { calls++; if (calls <= 2) { Thread.Sleep(1100); } }, 1, 1, 0.0);
        Assert.Single(samples);
        Assert.Equal(3, calls);
        Assert.True(samples[0] < 1.0, "the timed call is not a warm-up");
    }
}
