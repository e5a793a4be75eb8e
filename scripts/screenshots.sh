#!/usr/bin/env bash
# Renders the editor screenshots in docs/images/ under a virtual X server (Xvfb), so they can be
# regenerated on any machine: the editor opens the fraud-detection example, selects one operator
# (so the inspector shows its parameters), validates, fits the view and saves the window.
# Usage: scripts/screenshots.sh   (builds rivulet-editor and the catalog if needed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}
jobs=${RIVULET_JOBS:-$(nproc)}
editor="$build_dir/editor/rivulet-editor"
catalog="$build_dir/editor/catalog.json"

if ! command -v xvfb-run >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    xvfb xauth >/dev/null
fi
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" -j "$jobs" --target rivulet-editor rivulet
"$build_dir/runtime/rivulet" catalog export "$catalog"

# A scratch settings directory: a developer's remembered window layout must not leak in.
settings=$(mktemp -d)
trap 'rm -rf "$settings"' EXIT
mkdir -p "$root/docs/images"

shoot() {  # shoot GRAPH NODE-TO-SELECT OUTPUT
  XDG_CONFIG_HOME="$settings" QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$editor" --catalog "$catalog" --select "$2" --screenshot "$3" "$1"
  echo "wrote $3"
}

shoot "$root/examples/fraud-detection/fraud-detection.json" per_card_minute \
  "$root/docs/images/editor-fraud-detection.png"
