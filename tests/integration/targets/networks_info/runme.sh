#!/usr/bin/env bash
# networks_info: what the module gathers, compared with docker network inspect on each host.
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
