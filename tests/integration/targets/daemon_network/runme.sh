#!/usr/bin/env bash
# daemon_network on real daemons: daemon.json, restarts, pools, containers kept (the host's daemon.json is put back).
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
