#!/usr/bin/env bash
# Renders the editor screenshots in docs/images/ under a virtual X server (Xvfb), so they can be
# regenerated on any machine: the editor opens the card-fraud use case, selects one operator
# (so the inspector shows its parameters), validates, fits the view and saves the window; then,
# with the example deployed to a local runtime node (scripts/demo-node.sh), the same canvas in
# monitor mode once the job has run for a while; then each use case of examples/ (README "Use
# cases"): its graph with one operator selected, and the same graph in monitor mode with its
# generator (`rivulet generate NAME --save-graph`) and pipeline deployed to the node.
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
rivulet="$build_dir/runtime/rivulet"
example="$root/examples/card-fraud"
"$build_dir/runtime/rivulet" catalog export "$catalog"

# A scratch settings directory: a developer's remembered window layout must not leak in.
settings=$(mktemp -d)
cleanup() {
  rm -rf "$settings"
  if declare -F demo_node_stop >/dev/null; then demo_node_stop; fi
}
trap cleanup EXIT
mkdir -p "$root/docs/images"

shoot() {  # shoot GRAPH NODE-TO-SELECT OUTPUT [EDITOR OPTIONS...]
  local graph=$1 select=$2 out=$3
  shift 3
  XDG_CONFIG_HOME="$settings" QT_QPA_PLATFORM=xcb \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$editor" --catalog "$catalog" --select "$select" --screenshot "$out" "$@" "$graph"
  echo "wrote $out"
}

shoot "$example/card-fraud.json" consecutive "$root/docs/images/editor-card-fraud.png"

# Monitor mode: the example running on a local node; the editor subscribes, and the window is
# saved after 20 s of metrics (the sparklines have some history by then).
source "$root/scripts/demo-node.sh"
sleep 10  # the generator fills the topic; the pipeline's source catches up
shoot "$example/card-fraud.json" consecutive "$root/docs/images/editor-monitor-mode.png" \
  --node "$node_address" --monitor "$fraud_job" --screenshot-delay 20000

# The other use cases (card-fraud is the one above): NAME  EXAMPLE-DIR  NODE-TO-SELECT.
while read -r name dir select; do
  graph="$root/examples/$dir/$dir.json"
  [ -f "$graph" ] || continue
  shoot "$graph" "$select" "$root/docs/images/use-case-$name.png"
  generator="$demo_work/generate-$name.json"
  "$rivulet" generate "$name" --speedup 10 --malformed-rate 0.002 --save-graph "$generator"
  # The pipeline first: the node creates the topics it reads with its source's partitions.
  pipeline_job=$("$rivulet" deploy "$graph" --name "$dir" --node "$node_address")
  generator_job=$("$rivulet" deploy "$generator" --name "$name-generator" --node "$node_address")
  sleep 5
  shoot "$graph" "$select" "$root/docs/images/use-case-$name-monitor.png" \
    --node "$node_address" --monitor "$pipeline_job" --screenshot-delay 20000
  "$rivulet" cancel "$pipeline_job" --node "$node_address" >/dev/null
  "$rivulet" cancel "$generator_job" --node "$node_address" >/dev/null
done <<'USE_CASES'
iot iot-sensors scores
clickstream clickstream sessions
logs log-analysis baseline
USE_CASES
