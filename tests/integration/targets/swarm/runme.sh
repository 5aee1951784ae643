#!/usr/bin/env bash
# The swarm target: playbook.yml does the work of the module (it runs join_verbose.yml itself at -vvvv),
# membership.sh the role's membership cases across the fleet.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
bash membership.sh "$inventory"
