#!/usr/bin/env bash
# macvlan_networks across the sandbox fleet: per-host networks on eth0 with their own ip_range slices,
# traffic between hosts, validation errors, and the swarm-scoped pattern on a swarm formed with the CLI.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
