# shellcheck shell=bash disable=SC2034  # the variables are for the runme.sh that sources this
# The preamble of every integration target (docs/testing.md): a target's runme.sh starts with
#     source "$(dirname "$0")/../../lib/target.sh"
# and then has, in the target's folder and with errexit, nounset and pipefail on:
#   $inventory   the fleet's inventory (runme.sh's $1, made absolute)
#   $here        the target's folder;  $repo  the repository;  $state  the fleet's state folder
#   $fleet_name  the fleet's name, from the inventory
#   fleet ARGS   tests/fleet/fleet for this fleet (exec h1 ..., restart-docker [HOST])
#   playbook ARGS      ansible-playbook -i "$inventory" ARGS
#   skip REASON        this target cannot run what it is for here: reported as skipped, not passed
#   skip_part REASON   a part of it cannot: the target still passes or fails on the rest
# Cleanup is not done here: the runner plays the target's cleanup.yml before and after runme.sh.
set -euo pipefail
inventory=$(realpath "${1:?usage: runme.sh INVENTORY}")
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
state=$(dirname "$inventory")
fleet_name=$(sed -n 's/^fleet_name=//p' "$inventory")
cd "$here"

fleet() { FLEET_NAME=$fleet_name "$repo/tests/fleet/fleet" "$@"; }
playbook() { ansible-playbook -i "$inventory" "$@"; }

# The runner (run.py) names the file in FLEETNET_TEST_SKIPS; run by hand, the reason is only printed.
skip_part() {
    echo "SKIPPED (part): $*"
    if [ -n "${FLEETNET_TEST_SKIPS:-}" ]; then echo "part: $*" >>"$FLEETNET_TEST_SKIPS"; fi
}
skip() {
    echo "SKIPPED: $*"
    if [ -n "${FLEETNET_TEST_SKIPS:-}" ]; then echo "target: $*" >>"$FLEETNET_TEST_SKIPS"; fi
    exit 0
}
