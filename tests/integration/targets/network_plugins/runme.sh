#!/usr/bin/env bash
# Runs the network_plugins target against the sandbox fleet whose inventory is $1.
# No registry is reachable from the fleet, so the test plugin is built here first; the hosts share
# the controller's filesystem, so they read the built folder and archive from the same path.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
plugin_build=$repo/build/test-plugin
bash "$repo/tests/plugin/build.sh" "$plugin_build" >/dev/null
playbook -e "plugin_build=$plugin_build" playbook.yml
