#!/usr/bin/env bash
# macvlan_networks across the sandbox fleet: per-host networks on eth0 with their own ip_range slices,
# traffic between hosts, validation errors, and the swarm-scoped pattern on a swarm formed with the CLI.
set -eu
inventory=$1
here=$(cd "$(dirname "$0")" && pwd)

ansible-playbook -i "$inventory" "$here/cleanup.yml"
status=0
ansible-playbook -i "$inventory" "$here/playbook.yml" || status=$?
# Cleanup always runs, so a failed run leaves no swarm, containers or networks behind.
ansible-playbook -i "$inventory" "$here/cleanup.yml" || status=$?
exit $status
