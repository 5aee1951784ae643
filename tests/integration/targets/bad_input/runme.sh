#!/usr/bin/env bash
# bad_input: every input mistake is refused before anything changes, naming host, network, field and reason.
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
