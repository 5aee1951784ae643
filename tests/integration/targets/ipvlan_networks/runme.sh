#!/usr/bin/env bash
# ipvlan_networks against the sandbox fleet whose inventory is $1. This machine's kernel has no ipvlan
# links: the playbook checks the module's error for that, runs everything that needs no ipvlan link
# (rendered payloads, validation, gathered, deleted) and reports the target as skipped, with the reason.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
