"""Shared by the baseline scripts: the timing rule of the C# side (BenchTiming.Samples) and OpenBLAS's thread count."""

import ctypes
import statistics
import time

WARM_UP_CALLS = 3  # untimed warm-up calls per case, at most (as on the C# side, BenchTiming.WarmUpCalls)
WARM_UP_SECONDS = 2.0  # warm-up stops once this is spent, after at least one call (BenchTiming.WarmUpSeconds)


def time_case(fn, minimum, maximum, budget):
    """Untimed warm-up calls (up to WARM_UP_CALLS, until WARM_UP_SECONDS), then at least `minimum` and at most `maximum`
    timed calls, stopping once `budget` seconds are spent."""
    warm_start = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        if calls >= WARM_UP_CALLS or time.perf_counter() - warm_start >= WARM_UP_SECONDS:
            break
    times = []
    started = time.perf_counter()
    while len(times) < minimum or (len(times) < maximum and time.perf_counter() - started < budget):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"seconds_min": min(times), "seconds_median": statistics.median(times), "repetitions": len(times), "samples": times}


def openblas_threads(loaded):
    """The thread count of the first loaded OpenBLAS among the library paths `loaded`, or None."""
    threads = None
    for path in loaded:
        if "openblas" in path:
            try:
                threads = ctypes.CDLL(path).openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
    return threads
