#!/usr/bin/env bash
# endpoint_options against the sandbox fleet whose inventory is $1: each host takes the path its engine
# allows (Docker 28.0 and later: the options on a real container; older: the refusals) and prints
# "skipped, reason" for the one it cannot run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ansible-playbook -i "${1:?inventory path}" playbook.yml
