# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything modules read from the managed node's network: iproute2 JSON and kernel probes.

- the host's links with their addresses and routes (``ip -j``), for parent_interfaces;
- the prefixes the host uses: a new Docker network whose subnet overlaps a LAN the host is on makes
  that LAN unreachable from the host, so the engine checks for it before creating anything;
- probes in a throwaway network namespace: can this kernel make a link of some kind (vlan, ipvlan),
  or pass ESP traffic, without touching anything of the host's own network.

iproute2 (``ip -j``) speaks netlink and sees the host's network namespace as the kernel does; /sys can
show another namespace's links and carries no addresses or routes.
"""

import ipaddress
import json
import socket

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


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
                network = ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen'])).network
            except (KeyError, ValueError):
                continue
            if not _ignorable(network):
                found.append(HostPrefix(link.get('ifname'), str(network), 'address'))
    for route in routes or []:
        destination = route.get('dst')
        if destination in (None, 'default'):
            continue
        try:
            network = ipaddress.ip_network(str(destination), strict=False)
        except ValueError:
            continue
        if not _ignorable(network):
            found.append(HostPrefix(route.get('dev'), str(network), 'route'))
    return found


def ip_json(module, *arguments):
    """Parsed output of ``ip -j ARGUMENTS`` on the managed node; a ModuleFailure saying why not.

    Every module that looks at the host's links reads them this way: iproute2 speaks netlink in the
    host's own network namespace, where /sys can show another namespace's links.
    """
    ip_command = module.get_bin_path('ip', required=True)
    command_text = 'ip -j %s' % ' '.join(arguments)
    rc, out, err = module.run_command([ip_command, '-j'] + list(arguments))
    if rc != 0:
        raise ModuleFailure('reading host interfaces with "%s" on %s failed: %s'
                            % (command_text, socket.gethostname(), err.strip()))
    try:
        return json.loads(out or '[]')
    except ValueError:
        raise ModuleFailure('"%s" on %s printed no JSON; iproute2 with JSON output (-j) is needed'
                            % (command_text, socket.gethostname()))


def read_host_prefixes(module):
    """HostPrefix list of the managed node; a ModuleFailure saying why iproute2 could not be read."""
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


# ---------------------------------------------------------------- links, for parent_interfaces

# What ``ip route add`` gives a route when no metric is given; a route with the same destination and
# metric already in the table makes it fail with "File exists". IPv4 kernel routes have metric 0.
DEFAULT_ROUTE_METRIC = {4: 0, 6: 1024}


def links_from_json(links, addresses, routes):
    """{name: state} from ``ip -j -d link show``, ``ip -j addr show`` and ``ip -j route show`` (both families)."""
    state = {}
    for link in links or []:
        info = link.get('linkinfo') or {}
        data = info.get('info_data') or {}
        state[link['ifname']] = {
            'kind': info.get('info_kind'),
            'parent': link.get('link'),
            'vlan_id': data.get('id') if info.get('info_kind') == 'vlan' else None,
            'mode': data.get('mode'),
            'mtu': link.get('mtu'),
            'up': 'UP' in (link.get('flags') or []),
            # PROMISC in flags is what was asked for with `ip link set promisc`; the `promiscuity`
            # counter also counts bridges, tcpdump and macvlan passthru, which are not ours to undo.
            'promiscuous': 'PROMISC' in (link.get('flags') or []),
            'alias': link.get('ifalias'),
            'addresses': [],
            'routes': [],
        }
    for link in addresses or []:
        entry = state.get(link.get('ifname'))
        for info in (link.get('addr_info') or []) if entry else []:
            if info.get('scope') == 'link' or 'local' not in info:
                continue  # IPv6 link-local addresses come with every link; nobody configured them.
            entry['addresses'].append(str(ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen']))))
    for route in routes or []:
        entry = state.get(route.get('dev'))
        # Kernel routes follow from addresses; they are not configured on their own.
        if not entry or route.get('protocol') == 'kernel' or route.get('dst', 'default') == 'default':
            continue
        entry['routes'].append(str(ipaddress.ip_network(route['dst'], strict=False)))
    return state


def route_table_from_json(routes):
    """{destination: [device, ...]} of the routes ``ip route add DESTINATION dev X`` would collide with.

    Those are the routes to that destination with the metric ``ip route add`` uses by default, kernel
    routes of addresses included (an address's subnet is routed through its interface).
    """
    table = {}
    for route in routes or []:
        destination = route.get('dst', 'default')
        if destination == 'default':
            continue
        try:
            network = ipaddress.ip_network(destination, strict=False)
        except ValueError:
            continue
        if route.get('metric', 0) == DEFAULT_ROUTE_METRIC[network.version]:
            table.setdefault(str(network), []).append(route.get('dev') or route.get('type') or 'unknown')
    return table


def read_links(module):
    """(links, route table) of the managed node: links_from_json and route_table_from_json."""
    routes = ip_json(module, 'route', 'show') + ip_json(module, '-6', 'route', 'show')
    links = links_from_json(ip_json(module, '-d', 'link', 'show'), ip_json(module, 'addr', 'show'), routes)
    return links, route_table_from_json(routes)


def link_kind_problem(module, kind):
    """Why this kernel cannot make links of ``kind`` (such as vlan), or None when it can or cannot tell.

    The probe makes a veth pair and a ``kind`` link on it in a throwaway namespace. Only an unknown
    kind counts: another failure of the probe says nothing about the kind.
    """
    shell = module.get_bin_path('sh')
    if not shell or not module.get_bin_path('ip'):
        return None
    extra = ' id 1' if kind == 'vlan' else ''
    probe = ('ip link add fnprobe0 type veth peer name fnprobe1 && '
             'ip link add link fnprobe0 name fnprobe2 type %s%s' % (kind, extra))
    reason = throwaway_namespace_problem(module, [shell, '-c', probe])
    if reason and 'Unknown device type' in reason:
        return reason
    return None
