# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Mirrors state/recreate/empty_config_deletes_all in network_module_argspec() of plugins/module_utils/_engine/runner.py.
    # Doc fragments merge options shallowly, so the common `config` suboptions (name, subnets,
    # enable_ipv6, internal, attachable, labels, driver_opts, containers) are written out in each
    # *_networks module next to its driver's own options.
    DOCUMENTATION = r'''
options:
  state:
    description:
      - V(merged) creates the listed networks that are missing; for existing ones only the options
        given are compared, and labels, driver options and containers on the host that are not listed are kept.
      - V(replaced) makes each listed network exactly as given; options not given mean Docker's default,
        and labels or driver options on the host that are not listed are a difference.
        When O(config[].subnets) is not given, the pool Docker allocated is accepted.
      - V(overridden) is V(replaced), and also removes every network of this driver that is not listed.
        The predefined networks (C(bridge), C(host), C(none)) are never touched. An empty or missing
        O(config) is refused, unless O(empty_config_deletes_all=true).
      - V(deleted) removes the listed networks. An empty O(config) removes nothing.
      - V(gathered) returns this driver's networks in the O(config) format under RV(gathered); feeding that
        back with V(replaced) reports no change. Container attachments are not part of it.
      - V(rendered) returns the Engine API payloads under RV(rendered) without contacting a daemon.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  recreate:
    description:
      - Docker cannot change a network in place, so any difference means removing and creating it again.
      - V(auto) recreates losslessly; every attached container is reconnected with its addresses, aliases and
        links, and the network keeps the gateway Docker chose. What the recreate needs is written to a journal on
        the host first, so that a run cut off half-way (the daemon died) is finished or rolled back by the next
        run; see C(docs/safety.md). When that cannot be guaranteed (a swarm service uses the network, a static address is outside
        the new subnets) the module fails before changing anything and names what blocks it.
      - V(never) fails instead of recreating and lists the differing options.
    type: str
    choices: [auto, never]
    default: auto
  empty_config_deletes_all:
    description:
      - With O(state=overridden) and an empty or missing O(config), remove every network of this driver
        (except the predefined ones and those the swarm needs).
      - Without it that is refused, as an unset variable would otherwise delete every network of the host.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Computes C(changed), RV(actions) and RV(after) and touches nothing.
  diff_mode:
    support: full
    description: Before and after of each changed network, in the O(config) format.
notes:
  - The whole O(config) is validated before anything changes (CIDRs, gateways, ranges and auxiliary
    addresses inside their subnets, duplicate names, predefined networks, overlaps with other networks
    and with the host's own interface addresses and routes), and what Docker or the kernel would refuse only
    half-way (link names over 15 characters, a C(bridge_name) naming a link that is not a bridge, static
    addresses on the gateway, an aux address or another container, MTUs outside 68-65535). All problems are reported together, each
    naming the host, the network, the option and the reason, and nothing is changed.
  - A network that a container is attached to, running or stopped, is never deleted; the containers are named.
  - Runs that may change networks take a lock per Docker daemon
    (C(/var/lib/fleetnet-docker/journal/DAEMON/lock)) and wait up to O(timeout) seconds for another run.
  - A run that changes nothing lists the host's networks once; containers are only inspected for networks
    whose attachments are managed, that are recreated or deleted.
'''
