#!/usr/bin/env bash
# overlay_networks across the sandbox fleet: a swarm formed with the Docker CLI, then the module's
# states, cross-host traffic, internal networks, recreates and the blocks that stop a recreate.
set -eu
inventory=$1
here=$(cd "$(dirname "$0")" && pwd)
fleet_name=$(awk -F= '/^fleet_name=/{print $2}' "$inventory")

ansible-playbook -i "$inventory" "$here/cleanup.yml"
# Docker 20.10 can keep a swarm's gossip port after a node left a swarm (moby#31913), and a node
# that joins again then has no overlay data plane. Earlier targets form and leave swarms on these
# daemons, so this one starts from freshly started daemons.
FLEET_NAME=$fleet_name "$here/../../../fleet/fleet" restart-docker

status=0
ansible-playbook -i "$inventory" "$here/playbook.yml" || status=$?
ansible-playbook -i "$inventory" "$here/cleanup.yml" || status=$?
exit $status
