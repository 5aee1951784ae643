#!/usr/bin/env bash
# What a fleetnet.docker.site run costs when nothing changes (issue 28): the demo's variables
# (tests/demo/vars.yml) converged, then run again; the second run must change nothing, and each host's
# module round trips (bench/callback_plugins/module_calls.py) must stay within the budget below, so a
# change that adds a read or a module call to the no-op path fails here. make bench-site measures the time.
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
# The budget, measured on a 3-host fleet: the swarm's first manager (h1) also creates/keeps the swarm,
# declares the overlay networks and reads the swarm for the report; every other host 9.
FIRST_MANAGER_BUDGET=12
HOST_BUDGET=9
calls=$(mktemp)
log=$(mktemp)
trap 'rm -f "$calls" "$log"' EXIT
site=(ansible-playbook -i "$inventory" -e @"$repo/tests/demo/vars.yml" "$repo/playbooks/site.yml")
"${site[@]}" > "$log" || { tail -n 40 "$log" >&2; exit 1; }
ANSIBLE_CALLBACK_PLUGINS="$repo/bench/callback_plugins" ANSIBLE_CALLBACKS_ENABLED=module_calls FLEETNET_MODULE_CALLS="$calls" \
  "${site[@]}" > "$log" || { tail -n 40 "$log" >&2; exit 1; }
if grep -E '^h[0-9]+ +:.*changed=[1-9]' "$log"; then echo "site_cost: the second site run changed something" >&2; exit 1; fi
python3 - "$calls" "$FIRST_MANAGER_BUDGET" "$HOST_BUDGET" <<'PYTHON'
import json, sys
calls, first_budget, budget = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
over = []
for host, entry in sorted(calls.items()):
    allowed = first_budget if host == 'h1' else budget
    print('%s: %d module round trips (budget %d)' % (host, entry['calls'], allowed))
    if entry['calls'] > allowed:
        over.append('%s made %d (budget %d): %s' % (host, entry['calls'], allowed, '; '.join(entry['tasks'])))
if len(calls) < 3:
    over.append('only %d hosts counted: %s' % (len(calls), sorted(calls)))
if over:
    sys.exit('site_cost: a no-op site run made more module round trips than its budget: ' + ' | '.join(over))
PYTHON
