#!/usr/bin/env bash
# Runs the network_plugins target against the sandbox fleet whose inventory is $1.
# No registry is reachable from the fleet, so the test plugin is built here first; the hosts share
# the controller's filesystem, so they read the built folder and archive from the same path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
inventory=${1:?inventory path}
plugin_build=$(cd ../../../.. && pwd)/build/test-plugin
bash ../../../plugin/build.sh "$plugin_build" >/dev/null
exec ansible-playbook -i "$inventory" -e "plugin_build=$plugin_build" playbook.yml
