#!/usr/bin/env bash
# The project's test command (README, second command; .ci/run runs exactly this):
# installs what is missing, builds everything with warnings as errors, runs every CTest suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${RIVULET_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh" -DRIVULET_WERROR=ON
export QT_QPA_PLATFORM=offscreen
cd "$build_dir"
ctest --output-on-failure -j "${RIVULET_JOBS:-$(nproc)}" --timeout 600
