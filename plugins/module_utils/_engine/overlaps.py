# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subnets about to be allocated against the host's other networks and its own links.

Private to this collection. Apart from validate.py because only a run that creates a network or
changes a subnet needs it: a no-op does not import (compile) it (issue 16)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam


def _subnets_of(network):
    return [pool['Subnet'] for pool in ((network.get('IPAM') or {}).get('Config') or []) if pool.get('Subnet')]


def overlap_problems(spec, items, by_name, read_host_prefixes):
    """Subnets about to be created that collide with another network or with the host's own links.

    ``by_name``: the host's networks (GET /networks) by name; ``read_host_prefixes`` is only called
    when a subnet is about to change and the driver checks the host's own addresses.
    """
    changing = [item for item in items if item.action == 'create'
                or (item.action == 'recreate' and 'subnets' in item.differences)]
    # A config-only network allocates no addresses: it only holds settings for the networks made
    # from it (Docker accepts any number of config-only networks with the same subnet).
    changing = [item for item in changing if (item.target or {}).get('subnets')
                and not item.target.get('config_only')]
    # Another IPAM driver (a plugin) keeps address spaces of its own, which this host cannot see.
    changing = [item for item in changing if item.target.get('ipam_driver') in (None, 'default')]
    if not changing:
        return []
    final = dict((name, _subnets_of(network)) for name, network in by_name.items() if not network.get('ConfigOnly'))
    for item in items:
        if item.action == 'delete' or (item.target or {}).get('config_only'):
            final.pop(item.name, None)
        elif item.target is not None and item.target.get('subnets') is not None:
            final[item.name] = [entry['subnet'] for entry in item.target['subnets']]
    host_prefixes = []
    if spec.check_host_overlap:
        owned = set()
        for network in by_name.values():
            if spec.manages(network):
                owned.update(spec.owned_interfaces(network))
        host_prefixes = [prefix for prefix in read_host_prefixes() if prefix.interface not in owned]
    # Each CIDR parsed once: a first converge of 100 networks compares every pair.
    ranges = {}

    def address_range(cidr):
        if cidr not in ranges:
            ranges[cidr] = _ipam.address_range(cidr)
        return ranges[cidr]

    others = sorted(final.items())
    problems = []
    for item in changing:
        for entry in item.target['subnets']:
            mine = entry['subnet']
            mine_range = address_range(mine)
            for other_name, other_subnets in others:
                if other_name == item.name:
                    continue
                for other in other_subnets:
                    if _ipam.ranges_overlap(mine_range, address_range(other)):
                        problems.append((item.name, 'subnet', '%s overlaps network "%s" (%s)'
                                         % (mine, other_name, other)))
            reported = set()
            for prefix in host_prefixes:
                if prefix.interface not in reported and _ipam.ranges_overlap(mine_range, address_range(prefix.prefix)):
                    reported.add(prefix.interface)
                    problems.append((item.name, 'subnet', '%s overlaps %s' % (mine, prefix.describe())))
    return problems
