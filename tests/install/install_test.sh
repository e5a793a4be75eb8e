#!/usr/bin/env bash
# The installed package, as a plugin author and an operator use it: `cmake --install` into a
# temporary prefix; examples/plugins/ built on its own against it with find_package(Rivulet);
# the installed `rivulet node` loads the plugin from its --plugin-dir and runs a job that uses
# it. Usage: install_test.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
source_dir=$1
binary_dir=$2
work=$(mktemp -d)
node_pid=
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -KILL "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/node.log" ] && sed 's/^/  node: /' "$work/node.log" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$binary_dir" --prefix "$prefix" > "$work/install.log" || fail "cmake --install: $(tail -5 "$work/install.log")"
for file in bin/rivulet lib/cmake/Rivulet/RivuletConfig.cmake lib/cmake/Rivulet/RivuletPlugin.cmake \
            include/rivulet/runtime/plugin_api.hpp include/rivulet/graphs/graph.capnp.h \
            lib/systemd/system/rivulet-node.service share/doc/rivulet/README.md; do
  [ -e "$prefix/$file" ] || fail "not installed: $file"
done
if [ -e "$binary_dir/editor/catalog.json" ]; then
  [ -x "$prefix/bin/rivulet-editor" ] || fail "rivulet-editor not installed"
  [ -s "$prefix/share/rivulet/catalog.json" ] || fail "catalog.json not installed where rivulet-editor looks"
fi
# The unit names the installed paths, not the build tree's.
grep -q "^ExecStart=$prefix/bin/rivulet node " "$prefix/lib/systemd/system/rivulet-node.service" ||
  fail "systemd unit does not start $prefix/bin/rivulet: $(grep ExecStart "$prefix/lib/systemd/system/rivulet-node.service")"

# A plugin built against the installed package only (no path into the source or build tree).
cmake -S "$source_dir/examples/plugins" -B "$work/plugins" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/plugin-config.log" 2>&1 || fail "configuring the plugin: $(tail -20 "$work/plugin-config.log")"
cmake --build "$work/plugins" > "$work/plugin-build.log" 2>&1 || fail "building the plugin: $(tail -20 "$work/plugin-build.log")"
if grep -q -e "$binary_dir" -e "$source_dir/graphs" -e "$source_dir/runtime" "$work/plugins/CMakeCache.txt" \
     $(find "$work/plugins" -name flags.make -o -name build.ninja); then
  fail "the plugin build refers to Rivulet's source or build tree"
fi
mkdir -p "$work/plugin-dir"
cp "$work/plugins/rivulet_sample.so" "$work/plugin-dir/"

# The installed node loads it from its plugin dir.
"$prefix/bin/rivulet" node --listen 127.0.0.1:0 --data-dir "$work/data" --plugin-dir "$work/plugin-dir" \
  2> "$work/node.log" &
node_pid=$!
address=
for _ in $(seq 1 300); do
  address=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$work/node.log" | head -1)
  [ -n "$address" ] && break
  kill -0 "$node_pid" 2>/dev/null || fail "the node exited"
  sleep 0.1
done
[ -n "$address" ] || fail "the node did not report its address"
rivulet() { timeout 60 "$prefix/bin/rivulet" "$@" --node "$address"; }

job=$(rivulet deploy "$source_dir/tests/install/sampled_generator.json" --json | sed -n 's/.*"job": *"\([^"]*\)".*/\1/p')
[ -n "$job" ] || fail "deploy did not answer a job id: $(rivulet deploy "$source_dir/tests/install/sampled_generator.json" 2>&1 || true)"
# Records cross the plugin's operator: its output count grows above zero.
out=0
for _ in $(seq 1 100); do
  sample=$(rivulet top "$job" --once --json)
  out=$(echo "$sample" | grep -o '"operator":"half"[^}]*' | sed -n 's/.*"recordsOutPerSecond":\([0-9.e+]*\).*/\1/p')
  [ -n "$out" ] && awk "BEGIN{exit !($out > 0)}" && break
  sleep 0.2
done
[ -n "$out" ] && awk "BEGIN{exit !($out > 0)}" || fail "no records out of the plugin's operator: $sample"
rivulet jobs | grep -q "$job.*running" || fail "job not running: $(rivulet jobs)"
rivulet cancel "$job" > /dev/null || fail "cancel"
kill -TERM "$node_pid"
wait "$node_pid" || fail "the node did not stop cleanly"
node_pid=
echo "installed package OK: plugin built against $prefix ran in job $job (out $out records/s)"
