#!/usr/bin/env bash
# Installs what is missing, then configures and builds Rivulet (Release) in ./build.
# Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}
jobs=${RIVULET_JOBS:-$(nproc)}

bash "$root/scripts/install-deps.sh"

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake "$build_dir" "$@"
fi
cmake --build "$build_dir" -j "$jobs"
