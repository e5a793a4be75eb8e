#!/usr/bin/env bash
# CPack's .deb: built from the build tree into a temporary dir; it holds the executables, the
# systemd unit and the package config, and its Depends come from the shared libraries the
# executables link (dpkg-shlibdeps). Usage: deb_test.sh BINARY_DIR
set -euo pipefail
binary_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
(cd "$work" && cpack --config "$binary_dir/CPackConfig.cmake" -G DEB -B "$work/out") > "$work/cpack.log" 2>&1 ||
  fail "cpack: $(tail -20 "$work/cpack.log")"
deb=$(find "$work/out" -maxdepth 1 -name 'rivulet_*.deb' | head -1)
[ -n "$deb" ] || fail "no .deb in $(ls "$work/out")"
contents=$(dpkg-deb -c "$deb")
for file in ' ./usr/bin/rivulet$' ' ./usr/lib/systemd/system/rivulet-node.service$' \
            ' ./usr/lib/(x86_64-linux-gnu/)?cmake/Rivulet/RivuletConfig.cmake$' \
            ' ./usr/include/rivulet/runtime/plugin_api.hpp$' ' ./usr/lib/(x86_64-linux-gnu/)?rivulet/plugins/$'; do
  echo "$contents" | grep -Eq "$file" || fail "nothing matching '$file' in the package"
done
depends=$(dpkg-deb -f "$deb" Depends)
for library in librdkafka libcapnp; do
  echo "$depends" | grep -q "$library" || fail "Depends lacks $library: $depends"
done
dpkg-deb -x "$deb" "$work/root"
grep -q '^ExecStart=/usr/bin/rivulet node ' "$work/root/usr/lib/systemd/system/rivulet-node.service" ||
  fail "the unit does not start /usr/bin/rivulet"
echo "deb OK: $(basename "$deb"), Depends: $depends"
