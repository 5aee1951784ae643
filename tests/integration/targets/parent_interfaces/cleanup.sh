#!/bin/sh
# Removes everything the parent_interfaces target makes on a host: fnt-* links, the probe container and
# network, and the networkd files named after fnt-* links ($1 is the networkd folder). Safe to run twice.
docker rm -f fnt-probe >/dev/null 2>&1 || true
docker network rm fnt-macvlan >/dev/null 2>&1 || true
for link in fnt-shim fnt-mvshim fnt-foreign fnt-good fnt-bigmtu fnt-oldroute fnt-route-a fnt-route-b fnt-veth0 fnt-veth0.30; do
  ip link del dev "$link" 2>/dev/null || true
done
rm -rf "${1:?networkd folder}"/10-fleetnet-fnt-* "$1"/20-fnt-*
