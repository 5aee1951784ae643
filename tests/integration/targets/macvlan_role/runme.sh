#!/usr/bin/env bash
# The macvlan role across the sandbox fleet, through the fleetnet.docker.macvlan playbook: input errors
# (the role's own, one host's Docker refusing, overridden with no networks: nothing changes on any host),
# then per-host networks with their own slices and shims (four steps, checked from the hosts), then the
# swarm-scoped pattern replacing them with state overridden, and the swarm-worker rule of overridden.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
# The fleet's inventory plus inventory/host_vars (h3 has an explicit slice number).
inventories=(-i "$inventory" -i "$here/inventory")
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Run the role (playbook role.yml) with a vars file; $3 is "changed" or "unchanged": what every host's recap must say.
run_role() {
  local vars=$1 mode=$2 expect=$3
  local options=()
  [ "$mode" = check ] && options=(--check)
  echo "=== macvlan role, $vars, $mode: every host $expect"
  ansible-playbook "${inventories[@]}" "$here/role.yml" -e @"$here/vars/$vars" "${options[@]}" | tee "$log"
  grep -E '^h[0-9]+ +:' "$log" | while read -r line; do
    changed=$(sed -E 's/.*changed=([0-9]+).*/\1/' <<<"$line")
    if grep -Eq 'failed=[1-9]|unreachable=[1-9]' <<<"$line" \
        || { [ "$expect" = changed ] && [ "$changed" = 0 ]; } || { [ "$expect" = unchanged ] && [ "$changed" != 0 ]; }; then
      echo "macvlan_role: expected every host $expect in the $mode run of $vars: $line" >&2
      exit 1
    fi
  done
}

# What check mode must leave as it was: each host's Docker networks and links.
host_state() {
  ansible -i "$inventory" docker_hosts -o -m ansible.builtin.shell \
    -a 'docker network ls -q --no-trunc | sort; ip -o link show | cut -d" " -f2 | sort' | sort
}

# Docker 20.10 can keep a swarm's gossip port after a node left a swarm (moby#31913), and a node that
# joins again then has no data plane; the swarm part starts from freshly started daemons.
fleet restart-docker

ansible-playbook "${inventories[@]}" "$here/validation.yml"
ansible-playbook "${inventories[@]}" "$here/fleet_validation.yml"

before=$(host_state)
run_role local.yml check changed
[ "$(host_state)" = "$before" ] || { echo "macvlan_role: check mode changed a host" >&2; exit 1; }
run_role local.yml apply changed
run_role local.yml check unchanged
run_role local.yml apply unchanged
ansible-playbook -i "$inventory" "$here/local_check.yml"

ansible-playbook -i "$inventory" "$here/swarm.yml"
run_role swarm.yml apply changed
# Probes stay attached to the swarm network, so the workers see it: the apply-again run (overridden)
# must leave it alone there.
ansible-playbook -i "$inventory" "$here/swarm_check.yml"
run_role swarm.yml apply unchanged
ansible-playbook -i "$inventory" "$here/swarm_after.yml"
