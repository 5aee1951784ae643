# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet-level problems: what no single host can see, found in the report's gathered data.

Each rule takes the report (hosts, networks, spanning, swarm) and yields problems
``{rule, severity, message, hosts, networks}``; messages name the hosts and networks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import itertools

from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import ipsec_mismatch


def _problem(rule, message, hosts, networks, severity='error'):
    return dict(rule=rule, severity=severity, message=message, hosts=sorted(set(hosts)), networks=sorted(set(networks)))


def _network_or_none(text):
    try:
        return ipaddress.ip_network(u'%s' % text, strict=False)
    except ValueError:
        return None


def _overlaps(first, second):
    return first is not None and second is not None and first.version == second.version and first.overlaps(second)


def _host_addresses(host):
    found = set()
    for address in host['addresses']:
        try:
            found.add(str(ipaddress.ip_interface(u'%s' % address['address']).ip))
        except ValueError:
            pass
    return found


def _route_towards(source, destination_host, subnet):
    """The route of host ``source`` that sends ``subnet`` to ``destination_host``, or None."""
    addresses = _host_addresses(destination_host)
    for route in source['routes']:
        if route.get('gateway') in addresses and _overlaps(_network_or_none(route['destination']), subnet):
            return route
    return None


def same_subnet_routed(report):
    """The same subnet on two hosts, where one host routes that subnet to the other."""
    hosts = dict((host['name'], host) for host in report['hosts'])
    local = [network for network in report['networks'] if network['scope'] != 'swarm' and not network['config_only']]
    found = []
    for first, second in itertools.combinations(local, 2):
        if first['host'] == second['host'] or (first['span'] and first['span'] == second['span']):
            continue
        for one in first['subnets']:
            for other in second['subnets']:
                a, b = _network_or_none(one['subnet']), _network_or_none(other['subnet'])
                if not _overlaps(a, b):
                    continue
                for source, target, network in ((first, second, b), (second, first, a)):
                    route = _route_towards(hosts[source['host']], hosts[target['host']], network)
                    if route:
                        found.append(_problem(
                            'same_subnet_routed',
                            'subnet %s of network "%s" on %s overlaps subnet %s of network "%s" on %s, and %s routes %s '
                            'via %s (%s): traffic meant for one of them reaches the other or neither'
                            % (one['subnet'], first['name'], first['host'], other['subnet'], second['name'],
                               second['host'], source['host'], route['destination'], target['host'], route['gateway']),
                            [first['host'], second['host']], [first['name'], second['name']]))
                        break
    return found


def swarm_network_missing(report):
    """A swarm-scoped macvlan/ipvlan network whose config-only network is missing on a node that can run its tasks."""
    if not report['swarm']:
        return []
    config_only = set((network['host'], network['name']) for network in report['networks'] if network['config_only'])
    live_hosts = [node['host'] for node in report['swarm']['nodes']
                  if node['host'] and node['status'] == 'ready' and node['availability'] == 'active']
    found = []
    seen = set()
    for network in report['networks']:
        if network['scope'] != 'swarm' or not network['config_from'] or network['id'] in seen:
            continue
        seen.add(network['id'])
        missing = [host for host in live_hosts if (host, network['config_from']) not in config_only]
        if missing:
            found.append(_problem(
                'swarm_network_missing',
                'swarm network "%s" takes its configuration from "%s", which %s lack%s: its containers cannot start there '
                '(create the config-only network on %s)'
                % (network['name'], network['config_from'], ', '.join(missing), '' if len(missing) > 1 else 's',
                   'them' if len(missing) > 1 else 'it'),
                missing, [network['name'], network['config_from']]))
    return found


def pool_slices_overlap(report):
    """Hosts of one macvlan/ipvlan LAN that hand out addresses from overlapping ranges, or use the same address."""
    by_key = dict((span['key'], span) for span in report['spanning'] if span['kind'] in ('lan', 'swarm'))
    found = []
    for span in by_key.values():
        if span['kind'] != 'lan':
            continue
        members = [network for network in report['networks'] if network['span'] == span['key']]
        for first, second in itertools.combinations(members, 2):
            for one in first['subnets']:
                for other in second['subnets']:
                    a = _network_or_none(one['ip_range'] or one['subnet'])
                    b = _network_or_none(other['ip_range'] or other['subnet'])
                    if _overlaps(a, b):
                        found.append(_problem(
                            'pool_slices_overlap',
                            'network "%s": the address range %s of %s overlaps the range %s of %s, so both hosts may give '
                            'the same address to a container on the same LAN (give each host its own ip_range slice)'
                            % (span['name'], a, first['host'], b, second['host']),
                            [first['host'], second['host']], [span['name']]))
        owners = {}
        for network in members:
            for container in network['containers']:
                for address in (container['ipv4_address'], container['ipv6_address']):
                    if address:
                        owners.setdefault(address, []).append((network['host'], container['name']))
        for address, users in sorted(owners.items()):
            if len(set(host for host, _name in users)) > 1:
                found.append(_problem(
                    'pool_slices_overlap',
                    'network "%s": address %s is used on several hosts at once (%s)'
                    % (span['name'], address, ', '.join('%s on %s' % (name, host) for host, name in users)),
                    [host for host, _name in users], [span['name']]))
    return found


def _encrypted_overlays(report):
    """Every host's view of an encrypted overlay network."""
    return [network for network in report['networks']
            if network['driver'] == 'overlay' and 'encrypted' in network['options']]


def encrypted_overlay_without_esp(report):
    """An encrypted overlay network on a host whose kernel cannot do ESP: it passes no traffic there."""
    hosts = dict((host['name'], host) for host in report['hosts'])
    found = []
    for network in _encrypted_overlays(report):
        host = hosts[network['host']]
        if host['esp'].get('available') is False:
            found.append(_problem(
                'encrypted_overlay_without_esp',
                'encrypted overlay network "%s" is on %s, whose kernel cannot do IPsec ESP with AES-GCM (%s): '
                'containers there exchange no traffic with other nodes on it'
                % (network['name'], network['host'], host['esp'].get('reason') or 'refused'),
                [network['host']], [network['name']]))
    return found


def encrypted_overlay_engines_mismatch(report):
    """Encrypted overlays on a swarm whose engines compute the IPsec key index in two ways (moby#51798)."""
    encrypted = sorted(set(network['name'] for network in _encrypted_overlays(report)))
    members = dict((host['name'], host['engine'].get('version') or 'unknown') for host in report['hosts']
                   if host['swarm']['local_node_state'] == 'active')
    reason = ipsec_mismatch(members) if encrypted else None
    if not reason:
        return []
    return [_problem('encrypted_overlay_engines_mismatch', 'encrypted overlay networks %s: %s' % (', '.join(encrypted), reason),
                     list(members), encrypted)]


def mixed_firewall_backends(report):
    """Hosts whose daemons use different firewall backends (iptables, nftables): worth knowing, not broken."""
    backends = {}
    for host in report['hosts']:
        backend = host['engine'].get('firewall_backend')
        if backend:
            backends.setdefault(backend.split('+', 1)[0], []).append(host['name'])
    if len(backends) < 2:
        return []
    return [_problem('mixed_firewall_backends',
                     'the fleet mixes firewall backends: %s; rules made by hand, and tools that read Docker\'s '
                     'firewall rules, differ between them (daemon_network firewall_backend sets one)'
                     % '; '.join('%s on %s' % (backend, ', '.join(sorted(hosts))) for backend, hosts in sorted(backends.items())),
                     [host for hosts in backends.values() for host in hosts], [], severity='warning')]


def swarm_node_down(report):
    """A swarm node that is not ready, or a manager the others cannot reach."""
    if not report['swarm']:
        return []
    found = []
    for node in report['swarm']['nodes']:
        name = node['host'] or node['hostname'] or node['id']
        if node['status'] != 'ready':
            found.append(_problem(
                'swarm_node_down',
                'swarm node %s (%s, %s, id %s) is %s: its tasks are rescheduled elsewhere and overlay traffic to it fails'
                % (name, node['address'], node['role'], node['id'], node['status']),
                [name], []))
        elif node['role'] == 'manager' and node['manager_reachability'] not in (None, 'reachable'):
            found.append(_problem(
                'swarm_node_down',
                'swarm manager %s (%s) is %s from the other managers: the swarm may lose its quorum'
                % (name, node['address'], node['manager_reachability']),
                [name], []))
    return found


def unreported_hosts(report):
    return [_problem('host_unreported',
                     'host %s was in the inventory but reported nothing (unreachable or failed): the report leaves it out' % host,
                     [host], [], severity='warning')
            for host in report['unreported_hosts']]


RULES = (same_subnet_routed, swarm_network_missing, pool_slices_overlap, encrypted_overlay_without_esp,
         encrypted_overlay_engines_mismatch, mixed_firewall_backends, swarm_node_down, unreported_hosts)


def find_problems(report):
    problems = []
    for rule in RULES:
        problems.extend(rule(report))
    return problems
