# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses and routes from ``ip -j`` output recorded on a sandbox host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._report.host import addresses_from_json, routes_from_json

ADDRESSES = [{"ifindex": 2, "ifname": "eth0", "addr_info": [
    {"family": "inet", "local": "10.231.187.11", "prefixlen": 24, "scope": "global", "label": "eth0"},
    {"family": "inet6", "local": "fe80::fcf6:8ff:fed3:474a", "prefixlen": 64, "scope": "link"}]},
    {"ifindex": 1, "ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]}]
ROUTES = [{"dst": "default", "gateway": "10.231.187.1", "dev": "eth0"},
          {"dst": "10.231.187.0/24", "dev": "eth0", "protocol": "kernel", "scope": "link", "prefsrc": "10.231.187.11"},
          {"dst": "10.240.3.0/24", "gateway": "10.231.187.12", "dev": "eth0"},
          {"dst": "fe80::/64", "dev": "eth0", "protocol": "kernel"},
          {"dst": "10.231.187.128/28", "dev": "demo-lan-shim", "scope": "link"}]


def test_addresses_without_loopback_and_link_local():
    assert addresses_from_json(ADDRESSES) == [dict(interface='eth0', address='10.231.187.11/24')]


def test_routes_without_default_and_link_local():
    assert routes_from_json(ROUTES) == [
        dict(destination='10.231.187.0/24', gateway=None, interface='eth0'),
        dict(destination='10.240.3.0/24', gateway='10.231.187.12', interface='eth0'),
        dict(destination='10.231.187.128/28', gateway=None, interface='demo-lan-shim'),
    ]
