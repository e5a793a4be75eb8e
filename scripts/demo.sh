#!/usr/bin/env bash
# The main job (README, first command): installs, builds, then runs the fraud-detection example
# live: the event generator (examples/fraud-detection/generator.json) and the detection pipeline
# (fraud-detection.json) run as one job on the embedded Kafka broker, with the per-operator table
# and the alerts printed as they arrive on the 'fraud-alerts' topic. Ctrl-C stops it cleanly.
#
# Windows are one minute of event time, so alerts appear at each minute boundary (plus the
# 5 s out-of-orderness allowance), and the rest when the run ends and every window closes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}
seconds=${RIVULET_DEMO_SECONDS:-75}
bash "$root/scripts/build.sh"

rivulet="$build_dir/runtime/rivulet"
example="$root/examples/fraud-detection"

"$rivulet" graph validate "$example/generator.json"
"$rivulet" graph validate "$example/fraud-detection.json"

# fraud_alerts is exactly_once: its alerts are published in a Kafka transaction when the
# checkpoint after them completes (every second here). On the embedded broker the checkpoints go
# to a temporary directory (the broker starts empty each run, so they could not be resumed).
exec "$rivulet" run "$example/generator.json" "$example/fraud-detection.json" \
  --show fraud-alerts --for "$seconds" --checkpoint-interval 1000
