#!/usr/bin/env bash
# bridge_networks on each host of the sandbox fleet: the four steps for each change, looked at from the host.
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
