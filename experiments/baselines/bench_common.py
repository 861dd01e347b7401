"""Shared by the baseline scripts: the timing rule of the C# side (BenchTiming.Samples) and OpenBLAS's thread count."""

import ctypes
import statistics
import time

WARM_UP_COUNTS_AFTER = 1.0  # seconds; a slower warm-up counts as a sample (as on the C# side)


def time_case(fn, minimum, maximum, budget):
    """One warm-up, then at least `minimum` and at most `maximum` timed calls, stopping once `budget` seconds are spent."""
    start = time.perf_counter()
    fn()
    warm_up = time.perf_counter() - start
    times = [warm_up] if warm_up > WARM_UP_COUNTS_AFTER else []
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
