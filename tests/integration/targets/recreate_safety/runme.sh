#!/usr/bin/env bash
# recreate_safety: what stops or guards a recreate, and what must not count as a difference.
# The runner shape of every target: docs/testing.md.
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
