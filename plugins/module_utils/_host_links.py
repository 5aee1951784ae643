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
import socket


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


def ip_json(module, *arguments):
    """Parsed output of ``ip -j ARGUMENTS`` on the managed node, or fail the module saying why not.

    Every module that looks at the host's links reads them this way: iproute2 speaks netlink in the
    host's own network namespace, where /sys can show another namespace's links.
    """
    ip_command = module.get_bin_path('ip', required=True)
    command_text = 'ip -j %s' % ' '.join(arguments)
    rc, out, err = module.run_command([ip_command, '-j'] + list(arguments))
    if rc != 0:
        module.fail_json(msg='reading host interfaces with "%s" on %s failed: %s'
                             % (command_text, socket.gethostname(), err.strip()))
    try:
        return json.loads(out or '[]')
    except ValueError:
        module.fail_json(msg='"%s" on %s printed no JSON; iproute2 with JSON output (-j) is needed'
                             % (command_text, socket.gethostname()))


def read_host_prefixes(module):
    """HostPrefix list of the managed node, or fail the module saying why iproute2 could not be read."""
    routes = ip_json(module, '-4', 'route', 'show') + ip_json(module, '-6', 'route', 'show')
    return prefixes_from_json(ip_json(module, 'addr', 'show'), routes)


def throwaway_namespace_problem(module, command):
    """Run ``command`` in a new, empty network namespace to learn what the kernel can do.

    Link types and crypto are the kernel's, the same in every namespace, so a probe there tells about
    the host without touching anything of the host's own network; the namespace vanishes with the
    command. Returns the error text when the probe fails, None when it succeeds or cannot tell
    (no ``unshare``, or not root).
    """
    unshare = module.get_bin_path('unshare')
    if not unshare:
        return None
    rc, _out, err = module.run_command([unshare, '--net'] + list(command))
    if rc == 0:
        return None
    if 'Operation not permitted' in err:
        return None  # not root: the probe says nothing about the kernel
    return err.strip() or 'the probe exited with %d' % rc
