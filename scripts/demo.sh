#!/usr/bin/env bash
# The main job (README, first command): installs, builds, starts a runtime node (`rivulet node`,
# hosting the embedded Kafka broker) and deploys the card-fraud use case to it: the card
# transaction generator (`rivulet generate fraud`) and the detection pipeline
# (examples/card-fraud/card-fraud.json: Kafka → key by card → velocity, large-amount and
# impossible-travel rules → Kafka, exactly once). Then it is watched live:
#   - with a display: rivulet-editor opens the pipeline in monitor mode on the same canvas
#     (records/s, backpressure, Kafka lag, checkpoints; right-click an edge to preview records);
#   - without one: the terminal view, `rivulet top` (RIVULET_DEMO_SECONDS bounds it).
# Closing the editor or Ctrl-C stops the node (its jobs take savepoints) and cleans up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"

rivulet="$build_dir/runtime/rivulet"
editor="$build_dir/editor/rivulet-editor"
example="$root/examples/card-fraud"
"$rivulet" graph validate "$example/card-fraud.json"

# shellcheck source=demo-node.sh
source "$root/scripts/demo-node.sh"
trap demo_node_stop EXIT
trap 'exit 130' INT TERM

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$editor" ]; then
  echo "opening the editor in monitor mode on $fraud_job; close it to stop" >&2
  "$editor" --node "$node_address" --monitor "$fraud_job" "$example/card-fraud.json" || true
else
  echo "no display: the terminal view of $fraud_job; Ctrl-C stops" >&2
  if [ -n "${RIVULET_DEMO_SECONDS:-}" ]; then
    timeout -s INT "$RIVULET_DEMO_SECONDS" "$rivulet" top "$fraud_job" --node "$node_address" || true
  else
    "$rivulet" top "$fraud_job" --node "$node_address" || true
  fi
fi
