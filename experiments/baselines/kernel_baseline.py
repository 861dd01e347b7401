#!/usr/bin/env python3
"""NumPy baseline of the empirical kernel for `ntkproofs bench kernel` and `ntkproofs bench perf` (Debian's /usr/bin/python3 with
python3-numpy on OpenBLAS, libopenblas0-pthread).

Times, in float64, the empirical NTK of the one-layer prefix model in the fs_kernel formulation (what a NumPy user writes,
every n x m matrix materialized):
  S = softmax(X P^T) (rows), mu = S a (n x c), G_(i,l) r = m S_ir (a_rl - mu_il), H = (G G^T / m) o (X X^T (x) 1_cc);
  separate: H += m S S^T (x) I_c (the value term);
  tied (values = P, c = d): H += m S S^T (x) I_d + the two cross terms x_j (sum_r w_ijr u_jr)^T and (sum_r w_ijr u_ir) x_i^T
  with w_ijr = m S_ir S_jr, u_ir = p_r - mu_i (as the doc comment of src/NtkProofs/Kernels/EmpiricalKernel.cs states).
Also times a square float64 product (the peer's GEMM rate in this run).
Prints one JSON object: versions, BLAS configuration and loaded libraries, threads, and per case the samples, minimum and median.
The thread count is fixed by the caller through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS (set before NumPy
loads); --threads sets them too when they are unset, and threadpoolctl limits them when it is installed.
"""
import argparse
import contextlib
import io
import json
import os
import platform
import re
import sys

from bench_common import openblas_threads, time_case


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", default=[], help="VARIANT:M, variant fixed, separate or tied (repeatable)")
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--d", type=int, default=16)
    parser.add_argument("--c", type=int, default=1, help="output dimension of fixed and separate (tied uses d)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=2, help="minimum timed calls per case")
    parser.add_argument("--max-repetitions", type=int, default=30, help="most timed calls per case")
    parser.add_argument("--seconds-per-case", type=float, default=0.5, help="no call beyond the minimum starts after this")
    parser.add_argument("--gemm-size", type=int, default=1024, help="square float64 product size (0: skip)")
    parser.add_argument("--seed", type=int, default=20240620)
    return parser.parse_args()


ARGS = parse_args()
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, str(ARGS.threads))

try:
    import numpy as np
except ImportError as error:  # the C# side reports this and carries on without the baseline
    print(json.dumps({"error": f"NumPy is not importable by {sys.executable}: {error}"}))
    sys.exit(3)

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None


def softmax_rows(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def fs_kernel(x, p, a, variant):
    """The empirical kernel, (n c) x (n c), sample-major; a is m x c (P itself on the tied path)."""
    n, d = x.shape
    m, c = a.shape
    s = softmax_rows(x @ p.T)                                       # n x m
    mu = s @ a                                                      # n x c
    g = (m * s)[:, None, :] * (a.T[None, :, :] - mu[:, :, None])    # n x c x m, G_(i,l) r
    g2 = g.reshape(n * c, m)
    xx = x @ x.T
    h = (g2 @ g2.T / m) * np.kron(xx, np.ones((c, c)))
    if variant in ("separate", "tied"):
        h += np.kron(m * (s @ s.T), np.eye(c))
    if variant == "tied":
        cross = (s @ g2.T).reshape(n, n, d)                         # [i, j, l'] = sum_r m S_ir S_jr (p_rl' - mu_jl')
        term2 = x.T[None, :, :, None] * cross[:, None, :, :]        # [i, l, j, l'] = x_jl cross[i, j, l']
        term3 = np.transpose(cross, (1, 2, 0))[:, :, :, None] * x[:, None, None, :]  # cross[j, i, l] x_il'
        h += (term2 + term3).reshape(n * d, n * d)
    return h


def unit_sphere(rng, n, d, radius=0.99):
    x = rng.standard_normal((n, d))
    return radius * x / np.linalg.norm(x, axis=1, keepdims=True)


def flops(variant, n, d, c, m):
    """The matrix-product work the C# side counts (PerfFlops.Kernel)."""
    work = 2.0 * n * m * d + 2.0 * (n * c) ** 2 * m
    if variant != "fixed":
        work += 2.0 * n * n * m
    if variant == "tied":
        work += 2.0 * n * n * c * m
    return work


def blas_description():
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            np.show_config()
    except Exception as error:  # show_config's form changes between versions; its text is informational
        buffer.write(f"show_config failed: {error}")
    try:
        with open("/proc/self/maps") as maps:
            loaded = sorted({line.split()[-1] for line in maps if re.search(r"(blas|mkl|blis|atlas)[^/]*\.so", line.split()[-1])})
    except OSError:
        loaded = []
    reference = any(re.search(r"/blas/libblas\.so|/libcblas\.so", path) for path in loaded) and not any(
        re.search(r"openblas|mkl|blis|atlas", path, re.IGNORECASE) for path in loaded)
    blas_threads = openblas_threads(loaded)
    pools = None
    if threadpoolctl is not None:
        pools = [{k: v for k, v in info.items() if k in ("internal_api", "num_threads", "version", "filepath")} for info in threadpoolctl.threadpool_info()]
    return buffer.getvalue().strip(), loaded, reference, blas_threads, pools


def main():
    rng = np.random.default_rng(ARGS.seed)
    cases = []
    for text in ARGS.case:
        variant, _, m_text = text.partition(":")
        if variant not in ("fixed", "separate", "tied") or not m_text.isdigit() or int(m_text) < 1:
            print(json.dumps({"error": f"--case must be VARIANT:M with variant fixed, separate or tied and M >= 1, got '{text}'"}))
            sys.exit(2)
        m = int(m_text)
        c = ARGS.d if variant == "tied" else ARGS.c
        x = unit_sphere(rng, ARGS.n, ARGS.d)
        p = rng.standard_normal((m, ARGS.d))
        a = p if variant == "tied" else rng.standard_normal((m, c))
        cases.append(({"variant": variant, "n": ARGS.n, "d": ARGS.d, "c": c, "m": m, "flops": flops(variant, ARGS.n, ARGS.d, c, m)},
                      lambda x=x, p=p, a=a, v=variant: fs_kernel(x, p, a, v)))

    limit = threadpoolctl.threadpool_limits(limits=ARGS.threads) if threadpoolctl is not None else contextlib.nullcontext()
    with limit:
        results = []
        for description, fn in cases:
            row = time_case(fn, ARGS.repetitions, ARGS.max_repetitions, ARGS.seconds_per_case)
            row.update(description)
            results.append(row)
        gemm = None
        if ARGS.gemm_size > 0:
            size = ARGS.gemm_size
            u, w = rng.standard_normal((size, size)), rng.standard_normal((size, size))
            timing = time_case(lambda: u @ w, ARGS.repetitions, ARGS.max_repetitions, ARGS.seconds_per_case)
            gemm = {"size": size, "seconds_min": timing["seconds_min"], "gflops": 2.0 * size ** 3 / timing["seconds_min"] / 1e9}
        config, loaded, reference, blas_threads, pools = blas_description()

    print(json.dumps({
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "numpy": np.__version__,
        "threads": ARGS.threads,
        "blas_threads": blas_threads,
        "threadpools": pools,
        "env_threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "blas_config": config,
        "blas_loaded": loaded,
        "reference_blas": reference,
        "machine": platform.platform(),
        "gemm": gemm,
        "results": results,
    }))


if __name__ == "__main__":
    main()
