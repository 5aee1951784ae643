#!/usr/bin/env bash
# The bridge role across the sandbox fleet, through the fleetnet.docker.bridge playbook: fleet-level
# validation (nothing changes anywhere), a host added to the inventory keeps the others' subnets, the
# four steps (merged, replaced, overridden, deleted) each with check mode first and idempotence after,
# looked at on the hosts; on Engine 27.0+ the pool networks are routed and probes ping across hosts;
# then the daemon defaults from fleet pools with rolling restarts (docker info, docker0).
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
engine=$(sed -n 's/^h1 .*fleet_engine=\([0-9.]*\).*/\1/p' "$inventory")
routed=false
[ "$(printf '%s\n27.0\n' "$engine" | sort -V | head -n 1)" = 27.0 ] && routed=true
log=$(mktemp)
two_hosts=$(mktemp)
trap 'rm -f "$log" "$two_hosts"' EXIT
# Each host's slice number is its address's offset in the fleet's subnet (.11 is slice 11).
extra=(-e "bridge_role_routed=$routed" -e 'bridge_slice_address_prefix={{ fleet_subnet }}')
echo "=== bridge_role on Engine $engine (routed: $routed)"

# Run the role (role.yml) with a vars file; $3 is "changed" or "unchanged": what every host's recap must say.
run_role() {
  local vars=$1 mode=$2 expect=$3 hosts_inventory=${4:-$inventory}
  local options=()
  [ "$mode" = check ] && options=(--check --diff)
  echo "=== bridge role, $vars, $mode: every host $expect"
  ansible-playbook -i "$hosts_inventory" "$here/role.yml" -e @"$here/vars/$vars" "${extra[@]}" "${options[@]}" | tee "$log"
  grep -E '^h[0-9]+ +:' "$log" | while read -r line; do
    changed=$(sed -E 's/.*changed=([0-9]+).*/\1/' <<<"$line")
    if grep -Eq 'failed=[1-9]|unreachable=[1-9]' <<<"$line" \
        || { [ "$expect" = changed ] && [ "$changed" = 0 ]; } || { [ "$expect" = unchanged ] && [ "$changed" != 0 ]; }; then
      echo "bridge_role: expected every host $expect in the $mode run of $vars: $line" >&2
      exit 1
    fi
  done
}

# What check mode must leave as it was: each host's Docker networks (with their options) and routes.
host_state() {
  ansible -i "$inventory" docker_hosts -o -m ansible.builtin.shell \
    -a 'docker network ls -q --no-trunc | sort | xargs docker network inspect -f "{{ "{{" }}.Name{{ "}}" }} {{ "{{" }}.Labels{{ "}}" }} {{ "{{" }}.Internal{{ "}}" }}"; ip route show' | sort
}

# Each step: check mode changes nothing, the run changes every host, then a run again changes nothing.
# The first step also runs check mode after the apply (a converged fleet checks clean); the others
# leave it out, as each role run costs every host a dozen module runs.
step() {
  local vars=$1 name=$2
  local before
  before=$(host_state)
  run_role "$vars" check changed
  [ "$(host_state)" = "$before" ] || { echo "bridge_role: check mode of $vars changed a host" >&2; exit 1; }
  run_role "$vars" apply changed
  if [ "$name" = merged ]; then run_role "$vars" check unchanged; fi
  run_role "$vars" apply unchanged
  ansible-playbook -i "$inventory" "$here/check.yml" -e step="$name" "${extra[@]}"
}

ansible-playbook -i "$inventory" "$here/validation.yml" "${extra[@]}"

# The fleet before h3 joined: the same inventory with h3 in no group.
sed -E '/^h3( |$)/d' "$inventory" > "$two_hosts"
run_role merged.yml apply changed "$two_hosts"
two=$(ansible -i "$two_hosts" docker_hosts -o -m ansible.builtin.command -a 'docker network inspect -f "{{ "{{" }}(index .IPAM.Config 0).Subnet{{ "}}" }}" it-brr-pods' | sort)
# h3 joins: h1 and h2 keep their subnets (h1 and h2 unchanged, h3 gets its network and the routes).
ansible-playbook -i "$inventory" "$here/role.yml" -e @"$here/vars/merged.yml" "${extra[@]}"
three=$(ansible -i "$two_hosts" docker_hosts -o -m ansible.builtin.command -a 'docker network inspect -f "{{ "{{" }}(index .IPAM.Config 0).Subnet{{ "}}" }}" it-brr-pods' | sort)
[ "$two" = "$three" ] || { echo "bridge_role: adding h3 moved the others' subnets: $two / $three" >&2; exit 1; }
ansible-playbook -i "$inventory" "$here/cleanup.yml"

step merged.yml merged
if [ "$routed" = true ]; then
  ansible-playbook -i "$inventory" "$here/pings.yml"
  ansible -i "$inventory" docker_hosts -m ansible.builtin.command -a 'docker rm -f it-brr-probe'
fi
step replaced.yml replaced
step overridden.yml overridden
step deleted.yml deleted
ansible-playbook -i "$inventory" "$here/cleanup.yml"
ansible-playbook -i "$inventory" "$here/daemon.yml" "${extra[@]}"
