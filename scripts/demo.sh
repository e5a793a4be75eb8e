#!/usr/bin/env bash
# The main job (README, first command): installs, builds, then runs the fraud-detection example.
# Until `rivulet run` exists (runtime issue) it starts the embedded broker, validates the example
# graph against the operator catalog and prints it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"

rivulet="$build_dir/runtime/rivulet"
graph="$root/examples/fraud-detection/fraud-detection.json"

"$rivulet" graph validate "$graph"
"$rivulet" graph show "$graph"
