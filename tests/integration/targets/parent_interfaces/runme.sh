#!/usr/bin/env bash
# parent_interfaces on the sandbox hosts (shims, VLANs, networkd files), looked at with ip -j on each host.
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
