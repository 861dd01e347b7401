#!/usr/bin/env bash
# Fallback for scripts/gpu/run.sh when the bundled libLibTorchSharp.so (TorchSharp 0.107.0's C++ shim) does not load
# against the machine's libtorch: builds LibTorchSharp from TorchSharp's own native sources with CMake against the
# machine's torch headers and CMake config (as TorchSharp does for platforms it does not ship), and puts the result in
# the bundle's bin/ (the bundled one is kept as libLibTorchSharp.so.bundled). Nothing built this way is committed.
# Usage: build-libtorchsharp.sh LIBTORCH_LIB_DIR BIN_DIR
# Needs: cmake >= 3.18, a C++17 compiler (g++), and TorchSharp's src/Native of the SAME version as TorchSharp.dll (0.107.0):
# <bundle>/native-src/TorchSharp/src/Native (put there by build-bundle.sh when TORCHSHARP_SRC was given) or TORCHSHARP_NATIVE_SRC.
# Not exercised on a GPU machine yet (none was available when it was written).
set -euo pipefail
lib="${1:?usage: build-libtorchsharp.sh LIBTORCH_LIB_DIR BIN_DIR}"
bin="${2:?usage: build-libtorchsharp.sh LIBTORCH_LIB_DIR BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${TORCHSHARP_NATIVE_SRC:-$root/native-src/TorchSharp/src/Native}"
torch_root="$(cd "$lib/.." && pwd)"
cmake_dir="$torch_root/share/cmake/Torch"
fail() { echo "build-libtorchsharp: $*" >&2; exit 2; }
command -v cmake >/dev/null 2>&1 || fail "cmake not found (install cmake >= 3.18)"
command -v c++ >/dev/null 2>&1 || fail "no C++ compiler (install g++)"
test -f "$src/LibTorchSharp/CMakeLists.txt" || fail "TorchSharp native sources not found at $src (set TORCHSHARP_NATIVE_SRC to src/Native of TorchSharp v0.107.0)"
test -f "$cmake_dir/TorchConfig.cmake" || fail "no TorchConfig.cmake under $cmake_dir (the libtorch must ship its CMake config and include/ headers)"
test -d "$torch_root/include/torch" || fail "no torch headers under $torch_root/include"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# PyTorch wheels since 2.7 use the new C++ ABI; Torch's CMake config sets _GLIBCXX_USE_CXX11_ABI from the build itself.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLIBTORCH_PATH="$cmake_dir" -DCMAKE_PREFIX_PATH="$torch_root" \
  -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_STANDARD_REQUIRED=ON
cmake --build "$build" -j "$(nproc)"
built="$(find "$build" -name 'libLibTorchSharp.so' | head -1)"
test -n "$built" || fail "the build produced no libLibTorchSharp.so"
if [ -f "$bin/libLibTorchSharp.so" ] && [ ! -f "$bin/libLibTorchSharp.so.bundled" ]; then
  mv "$bin/libLibTorchSharp.so" "$bin/libLibTorchSharp.so.bundled"
fi
cp "$built" "$bin/libLibTorchSharp.so"
echo "build-libtorchsharp: built $bin/libLibTorchSharp.so against $torch_root"
