# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host's addresses and routes in the report's format, from parsed ``ip -j`` output.

The report needs them to tell which hosts route to each other's container networks: a route on
one host to a subnet via another host's address. _host_reads reads the same output for overlap
checks, but drops what this needs (the gateway, the address itself).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import _ignorable as reaches_no_other_host


def addresses_from_json(links):
    """[{interface, address}] from ``ip -j addr show``; address with prefix length."""
    found = []
    for link in links or []:
        for info in link.get('addr_info') or []:
            try:
                interface = ipaddress.ip_interface(u'%s/%s' % (info['local'], info['prefixlen']))
            except (KeyError, ValueError):
                continue
            if not (interface.network.is_loopback or interface.network.is_link_local):
                found.append(dict(interface=link.get('ifname'), address=str(interface)))
    return found


def _route_network(route):
    try:
        return ipaddress.ip_network(u'%s' % route.get('dst'), strict=False)
    except ValueError:
        return None  # "default", and kinds of routes without a prefix


def routes_from_json(routes):
    """[{destination, gateway, interface}] from ``ip -j route show``, without the default route."""
    return [dict(destination=str(_route_network(route)), gateway=route.get('gateway'), interface=route.get('dev'))
            for route in routes or []
            if _route_network(route) is not None and not reaches_no_other_host(_route_network(route))]
