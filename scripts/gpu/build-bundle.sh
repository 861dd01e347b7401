#!/usr/bin/env bash
# Builds the GPU evidence bundle: a self-contained linux-x64 publish of ntkproofs WITHOUT libtorch (-p:TorchBackend=none),
# with the configs the GPU run needs and scripts/gpu/run.sh, compressed to artifacts/gpu/ntkproofs-gpu.tar.xz (at most
# 60 MiB; the script fails if it is larger). The target machine needs no .NET SDK and no internet: it brings its own
# libtorch (a PyTorch install), which run.sh finds and hands to TorchSharp through NTKPROOFS_LIBTORCH.
# Usage: [TORCHSHARP_SRC=/path/to/TorchSharp/.git] scripts/gpu/build-bundle.sh [OUT_DIR]
#        (default artifacts/gpu; never committed: /artifacts/ is git-ignored)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/artifacts/gpu}"
limit_mib=60
stage="$out/stage/ntkproofs-gpu"
rm -rf "$out/stage"
mkdir -p "$stage"

echo "build-bundle: publishing (self-contained linux-x64, TorchBackend=none) ..."
dotnet publish "$root/experiments/NtkProofs.Experiments/NtkProofs.Experiments.csproj" -c Release -r linux-x64 \
  -p:SelfContained=true -p:TorchBackend=none -p:DebugType=none -p:GenerateDocumentationFile=false \
  --artifacts-path "$out/build" -o "$stage/bin" -nologo -v:q

# Nothing of libtorch may travel (the machine's PyTorch provides it); LibTorchSharp (TorchSharp's small C++ shim) does.
if ls "$stage/bin" | grep -E '^lib(torch|torch_cpu|torch_cuda|c10)\.so' >/dev/null; then
  echo "build-bundle: error: libtorch found in the publish output; expected TorchBackend=none" >&2
  exit 1
fi
test -f "$stage/bin/libLibTorchSharp.so" || { echo "build-bundle: error: libLibTorchSharp.so missing from the publish" >&2; exit 1; }
# The fine-tuning model package (all-MiniLM-L6-v2) is not used by the GPU sweeps.
rm -rf "$stage/bin/models"

# Repository skeleton: RepositoryPaths finds the root by NtkProofs.sln; configs resolve under it.
cp "$root/NtkProofs.sln" "$stage/"
mkdir -p "$stage/experiments/configs" "$stage/scripts/gpu" "$stage/reports"
cp -r "$root/experiments/configs/base" "$root/experiments/configs/gpu" "$stage/experiments/configs/"
cp "$root/scripts/gpu/run.sh" "$root/scripts/gpu/build-libtorchsharp.sh" "$stage/scripts/gpu/"
chmod +x "$stage/scripts/gpu/"*.sh "$stage/bin/NtkProofs.Experiments"
# Optional: TorchSharp's native sources for the LibTorchSharp fallback (build-libtorchsharp.sh). TORCHSHARP_SRC is a TorchSharp
# git directory (a clone, or a bare mirror) at the commit of TorchSharp.dll's version; TORCHSHARP_REF picks the commit.
if [ -n "${TORCHSHARP_SRC:-}" ]; then
  mkdir -p "$stage/native-src/TorchSharp"
  git --git-dir="$TORCHSHARP_SRC" archive "${TORCHSHARP_REF:-HEAD}" src/Native LICENSE.txt | tar -x -C "$stage/native-src/TorchSharp"
  git --git-dir="$TORCHSHARP_SRC" rev-parse "${TORCHSHARP_REF:-HEAD}" > "$stage/native-src/TorchSharp/COMMIT"
  echo "build-bundle: TorchSharp native sources included ($(cat "$stage/native-src/TorchSharp/COMMIT"))"
fi
git -C "$root" rev-parse HEAD > "$stage/COMMIT" 2>/dev/null || echo unknown > "$stage/COMMIT"
cat > "$stage/README.txt" <<'TXT'
ntkproofs GPU bundle. On a Linux x64 machine with an NVIDIA GPU, its driver and a PyTorch 2.10 install:
  tar xf ntkproofs-gpu.tar.xz && cd ntkproofs-gpu && scripts/gpu/run.sh
run.sh prints what it found and stops if something is missing; results go to reports/gpu/ (REPORT.md, data/, manifest.json).
TXT

echo "build-bundle: compressing ..."
tarball="$out/ntkproofs-gpu.tar.xz"
tar -C "$out/stage" -cf - ntkproofs-gpu | xz -T0 -6 > "$tarball"
bytes=$(stat -c %s "$tarball")
unpacked=$(du -sb "$stage" | cut -f1)
mib=$(awk "BEGIN { printf \"%.1f\", $bytes / 1048576 }")
echo "build-bundle: $tarball: $mib MiB compressed ($(awk "BEGIN { printf \"%.1f\", $unpacked / 1048576 }") MiB unpacked)"
rm -rf "$out/stage"
if [ "$bytes" -gt $((limit_mib * 1048576)) ]; then
  echo "build-bundle: error: the bundle is $mib MiB, over the $limit_mib MiB limit" >&2
  exit 1
fi
