# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses and routes of the managed node's own interfaces, read through iproute2's JSON output.

A new Docker network whose subnet overlaps a LAN the host is on makes that LAN unreachable from
the host; the engine checks for it before creating anything. iproute2 (``ip -j``) speaks netlink
and sees the host's network namespace as the kernel does; /sys does not carry addresses or routes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json


class HostPrefix:
    """One prefix the host uses: an interface address or a route destination."""

    def __init__(self, interface, prefix, kind):
        self.interface = interface
        self.prefix = prefix
        self.kind = kind  # 'address' or 'route'

    def describe(self):
        if self.kind == 'address':
            return 'address %s of interface %s' % (self.prefix, self.interface)
        return 'route %s via interface %s' % (self.prefix, self.interface)

    def __repr__(self):
        return 'HostPrefix(%r, %r, %r)' % (self.interface, self.prefix, self.kind)


def _ignorable(network):
    # Link-local and loopback prefixes exist on every host and never carry a Docker subnet;
    # a default route overlaps everything and says nothing about addresses in use.
    return network.prefixlen == 0 or network.is_link_local or network.is_loopback or network.is_multicast


def prefixes_from_json(addresses, routes):
    """HostPrefix list from parsed ``ip -j addr show`` and ``ip -j route show`` output."""
    found = []
    for link in addresses or []:
        for info in link.get('addr_info', []):
            try:
                network = ipaddress.ip_interface(u'%s/%s' % (info['local'], info['prefixlen'])).network
            except (KeyError, ValueError):
                continue
            if not _ignorable(network):
                found.append(HostPrefix(link.get('ifname'), str(network), 'address'))
    for route in routes or []:
        destination = route.get('dst')
        if destination in (None, 'default'):
            continue
        try:
            network = ipaddress.ip_network(u'%s' % destination, strict=False)
        except ValueError:
            continue
        if not _ignorable(network):
            found.append(HostPrefix(route.get('dev'), str(network), 'route'))
    return found


def read_host_prefixes(module):
    """HostPrefix list of the managed node, or fail the module saying why iproute2 could not be read."""
    ip_command = module.get_bin_path('ip', required=True)
    parsed = []
    for arguments in (['-j', 'addr', 'show'], ['-j', '-4', 'route', 'show'], ['-j', '-6', 'route', 'show']):
        rc, out, err = module.run_command([ip_command] + arguments)
        if rc != 0:
            module.fail_json(msg='reading host interfaces with "ip %s" failed: %s' % (' '.join(arguments), err.strip()))
        try:
            parsed.append(json.loads(out or '[]'))
        except ValueError:
            module.fail_json(msg='"ip %s" printed no JSON; iproute2 with JSON output (-j) is needed'
                                 % ' '.join(arguments))
    return prefixes_from_json(parsed[0], parsed[1] + parsed[2])
