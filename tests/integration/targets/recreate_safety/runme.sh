#!/usr/bin/env bash
# Runs the recreate_safety target against the sandbox fleet whose inventory is $1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ansible-playbook -i "${1:?inventory path}" playbook.yml
