#!/usr/bin/env bash
# The fleet report and its connectivity matrix on the sandbox fleet, with the demo's networks (bridge,
# overlay across the swarm, macvlan with per-host slices): check mode does nothing; the report lists
# exactly what `docker network ls` shows on each host; every pair passes on the overlay and macvlan
# networks; a probe cut off inside its namespace gives failing pairs with the error; a host without the
# image fails before starting anything; no probe container is left; the page renders in headless Chromium.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
out="$repo/build/report-test"
rm -rf "$out"

# Docker 20.10 can keep a swarm's gossip port after a node left a swarm (moby#31913), and a node that
# joins again then has no overlay data plane. Earlier targets form and leave swarms on these daemons,
# so this one starts with no swarm and freshly started daemons, as overlay_networks does.
ansible -i "$inventory" all -m ansible.builtin.command -a "docker swarm leave --force" >/dev/null 2>&1 || true
fleet restart-docker

# The demo's routed bridge network only where every host runs Engine 27.0+ (tests/demo/vars.yml says how).
echo "=== the demo's networks (site.yml with tests/demo/vars.yml)"
ansible-playbook -i "$inventory" -e @"$repo/tests/demo/vars.yml" "$repo/playbooks/site.yml" >/dev/null

echo "=== check mode: nothing starts, nothing is written"
ansible-playbook -i "$inventory" fleetnet.docker.report --check -e fleetnet_report_dir="$out/check" >/dev/null
test ! -e "$out/check" || { echo "report: check mode wrote $out/check" >&2; exit 1; }
ansible-playbook -i "$inventory" "$here/no_probe_left.yml"

echo "=== the report"
ansible-playbook -i "$inventory" fleetnet.docker.report -e fleetnet_report_dir="$out/demo" | tail -n 12
ansible-playbook -i "$inventory" "$here/assert_report.yml" -e report_json="$out/demo/report.json"
ansible-playbook -i "$inventory" "$here/no_probe_left.yml"

echo "=== a probe cut off inside its namespace"
ansible-playbook -i "$inventory" "$here/cut_off.yml"
ansible-playbook -i "$inventory" "$here/no_probe_left.yml"

echo "=== a host without the probe image fails before it starts anything"
ansible-playbook -i "$inventory" "$here/missing_image.yml"
ansible-playbook -i "$inventory" "$here/no_probe_left.yml"

echo "=== the page in headless Chromium"
python3 "$here/render_check.py" "$out/demo/report.html" "$repo/build/report-screenshot.png" "$out/demo/report.json"
