#!/usr/bin/env bash
# bridge_gateway_modes on the sandbox fleet: the bridge options of Docker Engine 25.0 to 28.2 (gateway
# modes, IPv6-only networks, trusted host interfaces, source addresses). The playbook reads each host's
# engine and runs what the fleet allows: routed traffic between two hosts of 27.0 or later, an IPv6-only
# network and the host options on 28.2 or later, the options refused on hosts before 27.0; a path it
# cannot run is reported as a skipped part with the reason.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
