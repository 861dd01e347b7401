#!/usr/bin/env python3
"""PyTorch baselines for `ntkproofs bench attention` (run with Debian's /usr/bin/python3 and python3-torch).

Times, on the CPU and in float32, with batch 1:
  * plain softmax attention over the concatenated prefix and input keys, softmax([Q K_P^T, Q K^T] / sqrt d) [V_P; V],
    which materializes the L x (m + L) score matrix (what a PyTorch user writes);
  * the forward pass released with the paper (`ntk_attn` in ChristianYang37/chiwun, src/NTK-Attention/ntk_attn_demo.py),
    re-implemented here from its description: phi(x) = ELU(x / d^(1/4)) + 1, k used as |k|, scores shifted by their row
    maximum (taken before masking), prefix terms divided by exp(row max), causal mask = lower triangle offset by nk - nq,
    inputs cast to float32.
Prints one JSON object: versions, threads, and per case the minimum and median wall time and the peak extra resident memory.
"""
import argparse
import ctypes
import json
import math
import platform
import re
import sys

from bench_common import openblas_threads, time_case

try:
    import torch
except ImportError as error:  # the C# side reports this and carries on without the baseline
    print(json.dumps({"error": f"PyTorch is not importable by {sys.executable}: {error}"}))
    sys.exit(3)


def rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def peak_extra_mib(fn):
    """Peak resident memory of one call above the resident memory before it (meaningful in exact-RSS malloc mode, see main)."""
    if not reset_peak():
        return None
    before = rss_kib("VmRSS:")
    fn()
    return (rss_kib("VmHWM:") - before) / 1024


def plain_prefix_attention(q, k, v, prefix_k, prefix_v):
    keys = torch.cat([prefix_k, k], dim=2)
    values = torch.cat([prefix_v, v], dim=2)
    scores = q @ keys.transpose(-1, -2) / math.sqrt(q.shape[-1])
    return torch.softmax(scores, dim=-1) @ values


def released_forward(q, k, v, sum_phi_k, sum_phi_kv, causal_mask=True):
    """The released ntk_attn forward pass, operation for operation."""
    dtype = q.dtype
    q, k, v = q.float(), k.float(), v.float()
    k_abs = sum_phi_k.abs().float()
    z = sum_phi_kv.float()
    bs, heads, nq, d = q.shape
    nk = k.shape[-2]
    mask = torch.tril(torch.ones(bs, heads, nq, nk), diagonal=nk - nq) if causal_mask else None
    phi_q = torch.nn.functional.elu(q / d ** 0.25) + 1
    scores = torch.matmul(q, k.transpose(-1, -2)) / d ** 0.5
    row_max = scores.max(-1).values.unsqueeze(-1)
    exp_row_max = torch.exp(row_max)
    weights = torch.exp(scores - row_max)
    if mask is not None:
        weights *= mask
    denominator = weights.sum(-1).unsqueeze(-1) + torch.matmul(phi_q, k_abs) / exp_row_max
    context = (torch.matmul(weights, v) + torch.matmul(phi_q, z) / exp_row_max) / denominator
    return context.contiguous().to(dtype)


def build_cases(args):
    """(description, function) per case; inputs are created once and kept alive for both phases."""
    heads, d = args.heads, args.dim
    cases = []
    for length in args.lengths:
        q, k, v = (torch.randn(1, heads, length, d) for _ in range(3))
        z = torch.randn(1, heads, d, d) * 0.1
        sum_phi_k = torch.randn(1, heads, d, 1).abs()
        for causal in (True, False):
            cases.append(({"impl": "released_reference", "pass": "forward", "L": length, "m": None, "causal": causal},
                          lambda q=q, k=k, v=v, z=z, s=sum_phi_k, c=causal: released_forward(q, k, v, s, z, c)))
        for m in args.plain_ms:
            prefix_k, prefix_v = torch.randn(1, heads, m, d), torch.randn(1, heads, m, d)
            cases.append(({"impl": "plain_pytorch", "pass": "forward", "L": length, "m": m, "causal": False},
                          lambda q=q, k=k, v=v, pk=prefix_k, pv=prefix_v: plain_prefix_attention(q, k, v, pk, pv)))
            if args.backward:
                leaves = [t.clone().requires_grad_(True) for t in (q, k, v, prefix_k, prefix_v)]
                weights = torch.randn(1, heads, length, d)

                def step(leaves=leaves, weights=weights):
                    for leaf in leaves:
                        leaf.grad = None
                    (plain_prefix_attention(*leaves) * weights).sum().backward()

                cases.append(({"impl": "plain_pytorch", "pass": "forward+backward", "L": length, "m": m, "causal": False}, step))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", type=int, nargs="+", default=[128, 512])
    parser.add_argument("--plain-ms", type=int, nargs="*", default=[65536])
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=2, help="minimum timed calls per case")
    parser.add_argument("--max-repetitions", type=int, default=30, help="most timed calls per case")
    parser.add_argument("--seconds-per-case", type=float, default=0.5, help="no call beyond the minimum starts after this")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory phase")
    parser.add_argument("--backward", action="store_true", help="also time forward + backward of the plain attention")
    parser.add_argument("--seed", type=int, default=20240620)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cases = build_cases(args)

    # Phase 1: wall times with the default allocator. Phase 2: peak memory with large blocks mmapped and returned on free
    # (M_MMAP_THRESHOLD fixed at 64 KiB), so that resident memory tracks live tensors. The mode is set only now because its
    # extra page faults would slow the timed runs.
    results = []
    for description, fn in cases:
        with torch.set_grad_enabled(description["pass"] != "forward"):
            row = time_case(fn, args.repetitions, args.max_repetitions, args.seconds_per_case)
        row.update(description)
        results.append(row)
    try:
        libc = ctypes.CDLL("libc.so.6")
        exact_rss = not args.no_memory and libc.mallopt(-3, 65536) == 1
    except OSError:
        libc, exact_rss = None, False
    for row, (description, fn) in zip(results, cases):
        if args.no_memory:
            row["peak_extra_mib"] = None
            continue
        with torch.set_grad_enabled(description["pass"] != "forward"):
            if exact_rss:
                libc.malloc_trim(0)  # free pages go back to the kernel, so reusing them counts as resident again
            row["peak_extra_mib"] = peak_extra_mib(fn) if exact_rss else None

    config = torch.__config__.show() if hasattr(torch, "__config__") else ""
    blas_match = re.search(r"BLAS_INFO=([^,\s]+)", config)
    blas = blas_match.group(1) if blas_match else "unknown"
    # The BLAS actually loaded (Debian's alternatives pick it at run time): the reference libblas is ~30x slower.
    try:
        with open("/proc/self/maps") as maps:
            loaded = sorted({line.split()[-1] for line in maps if re.search(r"(blas|mkl)[^/]*\.so", line.split()[-1])})
    except OSError:
        loaded = []
    blas_threads = openblas_threads(loaded)
    reference_blas = any(re.search(r"/blas/libblas\.so", path) for path in loaded) and not any("openblas" in path or "mkl" in path for path in loaded)
    print(json.dumps({
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "blas": blas,
        "blas_loaded": loaded,
        "blas_threads": blas_threads,
        "reference_blas": reference_blas,
        "machine": platform.platform(),
        "heads": args.heads,
        "dim": args.dim,
        "results": results,
    }))


if __name__ == "__main__":
    main()
