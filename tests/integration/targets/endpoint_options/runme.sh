#!/usr/bin/env bash
# endpoint_options on each host of the sandbox fleet: each host takes the path its engine allows
# (Docker 28.0 and later: the options on a real container; older: the refusals) and reports the other
# as a skipped part.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
playbook playbook.yml
