#!/usr/bin/env bash
# overlay_networks across the sandbox fleet: a swarm formed with the Docker CLI, then the module's
# states, cross-host traffic, internal networks, recreates and the blocks that stop a recreate.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
# Docker 20.10 can keep a swarm's gossip port after a node left a swarm (moby#31913), and a node
# that joins again then has no overlay data plane. Earlier targets form and leave swarms on these
# daemons, so this one starts from freshly started daemons.
fleet restart-docker
playbook playbook.yml
