#!/usr/bin/env bash
# GPU evidence run. On a Linux x64 machine with an NVIDIA GPU, its driver and a PyTorch 2.10 install (CUDA build), no
# internet and no .NET SDK needed: first prints what it found (GPU, driver, the machine's libtorch, whether TorchSharp
# loaded it) and stops with a clear message (exit 2) if something is missing; then runs the attention and lemma sweeps at
# GPU scale (experiments/configs/gpu, --device cuda) and writes reports/gpu/ (REPORT.md, data/, manifest.json).
# Run from the unpacked bundle (scripts/gpu/build-bundle.sh). Extra arguments go to `ntkproofs report` (e.g. --only theoremb).
# Environment: NTKPROOFS_LIBTORCH=/path/to/libtorch/lib (skip the PyTorch lookup), PYTHON (default python3),
# NVIDIA_SMI (default nvidia-smi), NTKPROOFS_BIN (default bin/NtkProofs.Experiments of the bundle),
# NTKPROOFS_BUILD_LIBTORCHSHARP=1 (when the bundled LibTorchSharp does not load: build it here, see build-libtorchsharp.sh).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
expected_minor="2.10"   # TorchSharp 0.107.0 is built against libtorch 2.10.0 (LibTorchLocation.ExpectedVersion)
smi="${NVIDIA_SMI:-nvidia-smi}"
python="${PYTHON:-python3}"
bin="${NTKPROOFS_BIN:-$root/bin/NtkProofs.Experiments}"
stop() { echo "run.sh: STOP: $*" >&2; exit 2; }

echo "== what this machine has"
# 1. GPU and driver.
if ! command -v "$smi" >/dev/null 2>&1; then
  stop "no GPU: $smi not found (no NVIDIA driver installed, or not on PATH); this script needs an NVIDIA GPU and its driver"
fi
gpus="$("$smi" --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>/dev/null)"
if [ -z "$gpus" ]; then
  stop "no GPU: $smi runs but lists no device (driver not loaded, or no GPU visible to this process/container)"
fi
echo "GPU(s) (index, name, driver, memory):"
echo "$gpus" | sed 's/^/  /'
gpu_name="$(echo "$gpus" | head -1 | cut -d, -f2 | sed 's/^ *//')"
driver="$(echo "$gpus" | head -1 | cut -d, -f3 | sed 's/^ *//')"

# 2. The machine's libtorch.
torch_cuda="unknown"
if [ -n "${NTKPROOFS_LIBTORCH:-}" ]; then
  lib="$NTKPROOFS_LIBTORCH"
  if [ -f "$lib/../build-version" ]; then
    torch_version="$(tr -d '[:space:]' < "$lib/../build-version")"
  elif [ -f "$lib/../version.py" ]; then
    torch_version="$(sed -n "s/^__version__ *= *['\"]\([^'\"]*\)['\"].*/\1/p" "$lib/../version.py")"
  else
    stop "no libtorch version: NTKPROOFS_LIBTORCH=$lib has no ../build-version or ../version.py"
  fi
  torch_source="NTKPROOFS_LIBTORCH"
else
  if ! command -v "$python" >/dev/null 2>&1; then
    stop "no libtorch: $python not found, so no PyTorch to take libtorch from; install PyTorch $expected_minor (CUDA build) or set NTKPROOFS_LIBTORCH=/path/to/libtorch/lib"
  fi
  if ! info="$("$python" -c 'import os, torch; print(torch.__version__); print(os.path.join(os.path.dirname(torch.__file__), "lib")); print(torch.version.cuda)' 2>/dev/null)"; then
    stop "no libtorch: '$python -c \"import torch\"' failed (PyTorch not installed for $python); install PyTorch $expected_minor (CUDA build) or set NTKPROOFS_LIBTORCH"
  fi
  torch_version="$(echo "$info" | sed -n 1p)"
  lib="$(echo "$info" | sed -n 2p)"
  torch_cuda="$(echo "$info" | sed -n 3p)"
  torch_source="PyTorch of $python"
fi
echo "libtorch: $torch_version at $lib ($torch_source; CUDA $torch_cuda)"
minor="$(echo "$torch_version" | cut -d. -f1,2)"
if [ "$minor" != "$expected_minor" ]; then
  stop "libtorch $torch_version found, but TorchSharp 0.107.0 needs libtorch $expected_minor.x; install torch==$expected_minor.* (CUDA build) or point NTKPROOFS_LIBTORCH at such a libtorch"
fi
if [ "$torch_cuda" = "None" ]; then
  stop "libtorch $torch_version is a CPU-only build (torch.version.cuda is None); install the CUDA build of PyTorch $expected_minor"
fi
if [ ! -f "$lib/libtorch_cuda.so" ]; then
  stop "no CUDA in libtorch: $lib/libtorch_cuda.so not found (a CPU-only libtorch); install the CUDA build of PyTorch $expected_minor"
fi

# 3. Does TorchSharp load it and see the GPU?
test -x "$bin" || stop "no ntkproofs binary at $bin (run this script from the unpacked bundle, see scripts/gpu/build-bundle.sh)"
export NTKPROOFS_LIBTORCH="$lib"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
echo "TorchSharp:"
if ! check="$("$bin" device --device cuda 2>&1)"; then
  echo "$check" | sed 's/^/  /'
  if [ "${NTKPROOFS_BUILD_LIBTORCHSHARP:-0}" = "1" ]; then
    echo "run.sh: the bundled LibTorchSharp did not load; building it against $lib (scripts/gpu/build-libtorchsharp.sh) ..."
    "$root/scripts/gpu/build-libtorchsharp.sh" "$lib" "$root/bin" || stop "building LibTorchSharp failed (see above)"
    check="$("$bin" device --device cuda 2>&1)" || { echo "$check" | sed 's/^/  /'; stop "TorchSharp still cannot use CUDA with $lib"; }
  else
    stop "TorchSharp did not load libtorch $torch_version with CUDA (above). If libLibTorchSharp.so failed to load, rerun with NTKPROOFS_BUILD_LIBTORCHSHARP=1 to build it from TorchSharp's sources against this libtorch (needs cmake, a C++ compiler and the TorchSharp source tarball; see scripts/gpu/build-libtorchsharp.sh)"
  fi
fi
echo "$check" | sed 's/^/  /'

# 4. The sweeps.
echo "== running the GPU profile (attention and lemma sweeps, --device cuda) into reports/gpu/"
cd "$root"
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$bin" report --profile gpu --device cuda --out "$root/reports/gpu" --resume "$@"
rc=$?
end=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -f "$root/reports/gpu/REPORT.md" ]; then
  {
    echo
    echo "## Machine (written by scripts/gpu/run.sh)"
    echo
    echo "- GPU: $gpu_name (driver $driver); all GPUs seen: $(echo "$gpus" | wc -l)"
    echo "- libtorch: $torch_version from $torch_source ($lib), CUDA $torch_cuda, loaded by TorchSharp 0.107.0 through NTKPROOFS_LIBTORCH"
    echo "- bundle commit: $(cat "$root/COMMIT" 2>/dev/null || echo unknown); run $start to $end; report exit code $rc"
    echo "- data: reports/gpu/data/ (one JSON-lines file per config of experiments/configs/gpu); manifest: reports/gpu/manifest.json"
  } >> "$root/reports/gpu/REPORT.md"
fi
echo "run.sh: report exit code $rc; results in $root/reports/gpu/"
exit $rc
