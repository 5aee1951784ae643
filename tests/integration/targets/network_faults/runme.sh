#!/usr/bin/env bash
# Faults in the middle of a recreate: dockerd is killed at each step, restarted, and the same task is
# rerun; every container must have its attachments back (prepare.yml, verify.yml). Then two runs
# against one host at the same time.
#
# How the daemon is stopped at an exact step: h1's dockerd runs, for this target only, with an
# authorization plugin (files/pause_plugin.py, a documented Docker daemon feature) that holds the Nth
# API request matching a rule. The module under test is unchanged and unaware: its request simply
# waits, as it would on a slow daemon, while this script kills dockerd with SIGKILL from the
# controller. Everything before the held request has really happened on the host.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
on_h1() { fleet exec h1 "$@"; }
# The pause plugin's folder on h1.
state=/run/fleetnet-faults
work=$(mktemp -d)
playbook() { ansible-playbook -i "$inventory" -e work_dir="$work" "$@"; }

plugin_on() {
  on_h1 mkdir -p "$state"
  on_h1 setsid python3 "$here/files/pause_plugin.py" "$state" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 50); do on_h1 test -S /run/docker/plugins/fleetnet-pause.sock && break; sleep 0.2; done
  on_h1 cp /etc/docker/daemon.json "$state/daemon.json.orig"
  on_h1 sh -c "echo '{\"authorization-plugins\": [\"fleetnet-pause\"]}' > /etc/docker/daemon.json"
  fleet restart-docker h1
}

plugin_off() {
  on_h1 rm -f "$state/rule"
  if on_h1 test -f "$state/daemon.json.orig"; then on_h1 cp "$state/daemon.json.orig" /etc/docker/daemon.json; fi
  fleet restart-docker h1 || true
  if on_h1 test -f "$state/pid"; then on_h1 sh -c "kill \$(cat $state/pid)" || true; fi
  on_h1 rm -rf "$state" /run/docker/plugins/fleetnet-pause.sock
}

# The journal of h1's daemon (docs/safety.md): /var/lib/fleetnet-docker/journal/<ID of its none network>.
journal_dir() { echo "/var/lib/fleetnet-docker/journal/$(on_h1 docker network inspect -f '{{.Id}}' none | cut -c1-12)"; }

finish() {
  status=$?
  # Nothing may be left half-done: no journal entry survives the target; the lock file goes too.
  dir=$(journal_dir)
  if on_h1 sh -c "ls $dir/*.json" >/dev/null 2>&1; then echo "network_faults: journal entries left in $dir" >&2; status=1; fi
  on_h1 rm -rf "$dir"
  plugin_off
  rm -rf "$work"
  exit $status
}
trap finish EXIT

# Holds (or with a 5th argument "deny", refuses) the Nth request "METHOD URI-REGEX" from now on.
arm() { on_h1 sh -c "rm -f $state/hit; echo '$1 $2 $3 $4 ${5:-}' > $state/rule.new && mv $state/rule.new $state/rule"; }
wait_for_hit() {
  for _ in $(seq 300); do on_h1 test -f "$state/hit" && { echo "held: $(on_h1 cat "$state/hit")"; return 0; }; sleep 0.2; done
  echo "network_faults: the request to hold never came ($1)" >&2; return 1
}
# shellcheck disable=SC2016  # expanded by the sh inside the host, not here
kill_dockerd() { on_h1 sh -c 'kill -KILL $(cat /run/docker.pid)'; on_h1 rm -f "$state/rule" "$state/hit"; }

# scenario NAME METHOD URI-REGEX N: interrupt change.yml at the Nth matching request, restart, verify.
scenario() {
  local name=$1
  echo "=== network_faults: dockerd killed $name"
  playbook "$here/prepare.yml"
  arm "$2" "$3" "$4" "${name// /_}"
  playbook "$here/change.yml" >"$work/interrupted.log" 2>&1 &
  local run=$!
  wait_for_hit "$name"
  kill_dockerd
  if wait "$run"; then echo "network_faults: the interrupted run passed ($name)" >&2; cat "$work/interrupted.log"; return 1; fi
  fleet restart-docker h1
  playbook "$here/verify.yml" -e scenario="$name"
}

plugin_on
scenario "after the first disconnect" POST '/networks/[0-9a-f]+/disconnect$' 2
scenario "after every disconnect" DELETE '/networks/[0-9a-f]+$' 1
scenario "after the old network was removed" POST '/networks/create$' 1
scenario "after the new network was created" POST '/networks/[0-9a-f]+/connect$' 1
scenario "in the middle of reconnecting" POST '/networks/[0-9a-f]+/connect$' 2

echo "=== network_faults: Docker refuses the second reconnect; the run must end in the old state"
playbook "$here/prepare.yml"
arm POST '/networks/[0-9a-f]+/connect$' 2 refused deny
playbook "$here/change.yml" -e result_name=refused >"$work/refused.log" 2>&1 || true
on_h1 rm -f "$state/rule" "$state/hit"
playbook "$here/refused_check.yml"

echo "=== network_faults: Docker refuses the second network of a batch"
playbook "$here/prepare.yml"
arm POST '/networks/create$' 2 batch deny
playbook "$here/batch.yml"
on_h1 rm -f "$state/rule" "$state/hit"

echo "=== network_faults: two runs against one host at the same time"
playbook "$here/prepare.yml"
arm POST '/networks/create$' 1 concurrent
playbook "$here/change.yml" -e result_name=first >"$work/first.log" 2>&1 &
first=$!
wait_for_hit "concurrent"
# The second run starts while the first one is held between removing and creating the network.
playbook "$here/change.yml" -e result_name=second >"$work/second.log" 2>&1 &
second=$!
sleep 5
on_h1 rm -f "$state/rule"
wait "$first" || { cat "$work/first.log"; exit 1; }
wait "$second" || { cat "$work/second.log"; exit 1; }
playbook "$here/concurrent_check.yml"
