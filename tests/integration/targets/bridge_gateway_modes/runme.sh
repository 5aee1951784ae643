#!/usr/bin/env bash
# bridge_gateway_modes against the sandbox fleet whose inventory is $1: the bridge options of Docker Engine
# 25.0 to 28.2 (gateway modes, IPv6-only networks, trusted host interfaces, source addresses). The playbook
# reads each host's engine and runs what the fleet allows: routed traffic between two hosts of 27.0 or later,
# an IPv6-only network and the host options on 28.2 or later, the options refused on hosts before 27.0. Each
# path it cannot run on this fleet is printed as "SKIPPED <path>: <reason>" (not counted as passed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
inventory=${1:?inventory path}
# Whatever happens, the containers, networks and routes between the hosts go again (the playbook also
# starts by removing what an interrupted run left); a cleanup that fails fails the target.
cleanup() {
    local status=$?
    ansible-playbook -i "$inventory" cleanup.yml || status=1
    exit "$status"
}
trap cleanup EXIT
ansible-playbook -i "$inventory" playbook.yml
