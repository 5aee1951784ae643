#!/usr/bin/env bash
# ipvlan_networks against the sandbox fleet whose inventory is $1. This machine's kernel has no ipvlan
# links: the playbook checks the module's error for that, prints why the rest is skipped, and runs
# everything that needs no ipvlan link (rendered payloads, validation, gathered, deleted).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
status=0
ansible-playbook -i "${1:?inventory path}" playbook.yml || status=$?
# Cleanup always runs: a kernel with ipvlan gets real networks and containers.
ansible-playbook -i "$1" cleanup.yml || status=$?
exit $status
