#!/usr/bin/env bash
# Builds the fleetnet-test-net managed plugin: OUTDIR/fleetnet-test-net/{config.json,rootfs/}
# (what `docker plugin create NAME FOLDER` takes) and OUTDIR/fleetnet-test-net.tar.gz (the same
# as an archive). Needs only gcc and the C library's static archive (Debian: gcc, libc6-dev).
#   build.sh [OUTDIR]    default: build/test-plugin in the repository
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../../build/test-plugin}
mkdir -p "$out"
out=$(cd "$out" && pwd)
folder=$out/fleetnet-test-net
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Static: the rootfs holds nothing but this binary, no libc and no loader.
mkdir -p "$work/rootfs/run/docker/plugins" "$work/rootfs/logs" "$work/rootfs/tmp"
gcc -static -Os -Wall -Wextra -Werror -o "$work/rootfs/netplugin" "$here/netplugin.c"
cp "$here/config.json" "$work/config.json"

# Replace the previous build in one step so that a host never sees half a folder.
rm -rf "$folder.old"
[ -d "$folder" ] && mv "$folder" "$folder.old"
chmod 755 "$work"
mv "$work" "$folder"
rm -rf "$folder.old"
tar -C "$folder" --owner=0 --group=0 -czf "$out/fleetnet-test-net.tar.gz.tmp" config.json rootfs
mv "$out/fleetnet-test-net.tar.gz.tmp" "$out/fleetnet-test-net.tar.gz"
echo "$folder"
