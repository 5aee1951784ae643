#!/usr/bin/env bash
# Runs the daemon_network target against the sandbox fleet whose inventory is $1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ansible-playbook -i "${1:?inventory path}" playbook.yml
