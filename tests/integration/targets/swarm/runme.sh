#!/usr/bin/env bash
# The swarm target: playbook.yml does the work of the module (it runs join_verbose.yml itself at -vvvv),
# membership.sh the role's membership cases across the fleet; cleanup.yml runs before and, whatever
# happens, after, so the target can always run again.
set -eu
inventory=${1:?usage: runme.sh INVENTORY}
cd "$(dirname "$0")"
trap 'ansible-playbook -i "$inventory" cleanup.yml >/dev/null || echo "swarm target: cleanup failed" >&2' EXIT
ansible-playbook -i "$inventory" cleanup.yml
ansible-playbook -i "$inventory" playbook.yml
bash membership.sh "$inventory"
