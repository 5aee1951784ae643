# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge driver: networks on one host, each with a Linux bridge of its own.

Private to this collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._docker_limits import (
    bridge_name_problems, interface_name_problems, link_kinds_from_json)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption, TopLevelField

# How a bridge network's traffic leaves the host, per address family (moby's gwMode): "nat"
# (masquerade, Docker's default), "routed" (no NAT; the subnet is routed to the host from outside),
# from 28.0 "nat-unprotected" (NAT without the filter that keeps the rest of the world off
# unpublished ports) and "isolated" (an internal network without a gateway address on the bridge).
GATEWAY_MODES = ('nat', 'routed', 'nat-unprotected', 'isolated')


class BridgeDriver(Driver):
    driver = 'bridge'
    options = dict(
        bridge_name=DriverOption('com.docker.network.bridge.name', 'str'),
        mtu=DriverOption('com.docker.network.driver.mtu', 'int'),
        enable_icc=DriverOption('com.docker.network.bridge.enable_icc', 'bool', default=True),
        enable_ip_masquerade=DriverOption('com.docker.network.bridge.enable_ip_masquerade', 'bool', default=True),
        host_binding_ipv4=DriverOption('com.docker.network.bridge.host_binding_ipv4', 'address', default='0.0.0.0'),
        gateway_mode_ipv4=DriverOption('com.docker.network.bridge.gateway_mode_ipv4', default='nat',
                                       choices=GATEWAY_MODES),
        gateway_mode_ipv6=DriverOption('com.docker.network.bridge.gateway_mode_ipv6', default='nat',
                                       choices=GATEWAY_MODES),
        trusted_host_interfaces=DriverOption('com.docker.network.bridge.trusted_host_interfaces', 'name_list'),
        # The source address of the network's masqueraded traffic (SNAT instead of MASQUERADE).
        host_ipv4=DriverOption('com.docker.network.host_ipv4', 'address'),
        host_ipv6=DriverOption('com.docker.network.host_ipv6', 'address'),
    )
    # IPv6-only networks: EnableIPv4 false (Engine 28.0, API 1.48). Older engines neither take nor report it.
    fields = dict(enable_ipv4=TopLevelField('EnableIPv4', default=True, sent_when_not_default=True))
    # The bridge's own address is on the host: a subnet overlapping another interface's is a real clash.
    check_host_overlap = True

    def owned_interfaces(self, network):
        """The Linux bridge a bridge network creates on the host: its bridge_name, else br-<first 12 of the ID>."""
        name = (network.get('Options') or {}).get('com.docker.network.bridge.name')
        return [name or 'br-%s' % network['Id'][:12]]

    def protected(self, network):
        """Swarm makes docker_gwbridge for its overlay traffic: overridden must not remove it."""
        if network.get('Name') == 'docker_gwbridge':
            return "the swarm's gateway bridge"
        return None

    def item_problems(self, config):
        """What Docker refuses, or accepts and then fails on, in one bridge network (seen on Engine 28.5)."""
        problems = []
        for option in ('gateway_mode_ipv4', 'gateway_mode_ipv6'):
            if config.get(option) == 'isolated' and not config.get('internal'):
                problems.append((option, 'isolated needs internal: true (Docker: "gateway mode \'isolated\' can only '
                                         'be used for an internal network")'))
        if config.get('enable_ipv4') is False:
            if not config.get('enable_ipv6'):
                problems.append(('enable_ipv4', 'is false, so the network needs enable_ipv6: true (Docker: "IPv4 or '
                                                'IPv6 must be enabled")'))
            if any(_family(entry['subnet']) == 4 for entry in config.get('subnets') or []):
                # Docker accepts it, and then gives containers no IPv4 address from it.
                problems.append(('enable_ipv4', 'is false but an IPv4 subnet is given'))
        for option, version in (('host_ipv4', 4), ('host_ipv6', 6)):
            if config.get(option) is not None and _family(config[option]) not in (None, version):
                problems.append((option, '%s is not an IPv%d address' % (config[option], version)))
        for name in config.get('trusted_host_interfaces') or []:
            if ':' in name:
                problems.append(('trusted_host_interfaces', '"%s": Docker keeps the names joined by ":", so a name '
                                                            'cannot contain one' % name))
            problems.extend(interface_name_problems('trusted_host_interfaces', name))
        return problems

    def batch_problems(self, desired_configs, existing_networks):
        """Docker refuses a bridge_name that names a link of another kind only when it creates the network."""
        if self.module is None:
            return []
        return bridge_name_problems(desired_configs, lambda: link_kinds_from_json(_ip_links(self.module)))


def _ip_links(module):
    # Imported here: only a new bridge_name needs the host's links, and a no-op should not compile
    # the host reads on the managed node (see _engine/runner.py).
    from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import ip_json
    return ip_json(module, '-d', 'link', 'show')


def _family(value):
    """4 or 6 for an address or subnet, None when it is not one (the generic checks name that)."""
    try:
        return _ipam.ip_version(value)
    except ValueError:
        return None
