# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's data model (report.json, schema in docs/report.md), built from gathered data.

The package _report: host.py runs on the managed nodes (engine_info); everything else runs on the
controller, called by the report filters, and is pure: gathered data in, plain dicts and text out.

Input: one entry per host, ``{host, engine, swarm, networks}``, where ``engine`` is what
fleetnet.docker.engine_info returned, ``networks`` the ``networks`` of fleetnet.docker.networks_info and
``swarm`` the ``swarm`` of fleetnet.docker.swarm with state gathered (only managers list nodes).
Only the fields named here are copied: whatever else a module returns (join tokens, for one) never
reaches the report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._report.problems import find_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._report.matrix import build_matrix

SCHEMA = 'fleetnet.docker/report'
SCHEMA_VERSION = 1

ROUTED_MODES = ('routed', 'nat-unprotected')
GATEWAY_MODE_OPTIONS = ('com.docker.network.bridge.gateway_mode_ipv4', 'com.docker.network.bridge.gateway_mode_ipv6')
LAN_DRIVERS = ('macvlan', 'ipvlan')


def _pick(source, *keys):
    source = source or {}
    return dict((key, source.get(key)) for key in keys)


def host_view(entry):
    engine = entry.get('engine') or {}
    membership = engine.get('swarm') or {}
    swarm = entry.get('swarm') or {}
    role = swarm.get('role') or ('manager' if membership.get('manager') else ('worker' if membership.get('node_id') else None))
    return dict(
        name=entry['host'],
        engine=_pick(engine.get('engine'), 'name', 'version', 'api_version', 'os', 'kernel', 'firewall_backend'),
        swarm=dict(local_node_state=membership.get('local_node_state') or swarm.get('local_node_state') or 'inactive',
                   node_id=membership.get('node_id') or swarm.get('node_id'),
                   node_address=membership.get('node_address') or swarm.get('node_address'),
                   role=role),
        esp=_pick(engine.get('esp'), 'available', 'reason'),
        addresses=[_pick(address, 'interface', 'address') for address in engine.get('addresses') or []],
        routes=[_pick(route, 'destination', 'gateway', 'interface') for route in engine.get('routes') or []],
        networks=sorted(network['name'] for network in entry.get('networks') or []),
    )


def network_view(host, network):
    options = dict(network.get('options') or {})
    return dict(
        host=host,
        name=network['name'],
        id=network.get('id'),
        driver=network.get('driver'),
        scope=network.get('scope'),
        predefined=bool(network.get('predefined')),
        internal=bool(network.get('internal')),
        attachable=bool(network.get('attachable')),
        ingress=bool(network.get('ingress')),
        enable_ipv6=bool(network.get('enable_ipv6')),
        config_only=bool(network.get('config_only')),
        config_from=network.get('config_from'),
        subnets=[_pick(subnet, 'subnet', 'gateway', 'ip_range') for subnet in (network.get('ipam') or {}).get('subnets') or []],
        options=options,
        labels=dict(network.get('labels') or {}),
        span=None,
        containers=[_pick(container, 'name', 'ipv4_address', 'ipv6_address', 'mac_address', 'aliases')
                    for container in network.get('containers') or []],
    )


def swarm_view(entries, hosts):
    """The swarm as its first manager with a node list sees it, nodes named by inventory host; or None."""
    host_by_node = dict((host['swarm']['node_id'], host['name']) for host in hosts if host['swarm']['node_id'])
    for entry in entries:
        swarm = entry.get('swarm') or {}
        if swarm.get('nodes'):
            nodes = []
            for node in swarm['nodes']:
                view = _pick(node, 'id', 'hostname', 'address', 'role', 'availability', 'status', 'leader',
                             'manager_reachability')
                view['host'] = host_by_node.get(node.get('id'))
                nodes.append(view)
            return dict(cluster_id=swarm.get('cluster_id'), seen_from=entry['host'], nodes=nodes)
    return None


def _subnet_key(network):
    return tuple(sorted(subnet['subnet'] or '' for subnet in network['subnets']))


def _routed(network):
    return network['driver'] == 'bridge' and any(network['options'].get(option) in ROUTED_MODES
                                                 for option in GATEWAY_MODE_OPTIONS)


def _swarm_members(hosts, swarm):
    """Inventory hosts that are live swarm nodes (any node that is not down can run a probe)."""
    if swarm is None:
        return [host['name'] for host in hosts if host['swarm']['local_node_state'] == 'active']
    live = set(node['host'] for node in swarm['nodes'] if node['host'] and node['status'] == 'ready')
    return [host['name'] for host in hosts if host['name'] in live]


def spanning_networks(hosts, networks, swarm):
    """Networks that span hosts, each with the hosts it is on and the hosts to probe it from.

    - swarm scope (overlay, or macvlan/ipvlan made from config-only networks): one network, one ID,
      on every node that uses it;
    - macvlan/ipvlan networks with the same name, parent and subnet on several hosts: one LAN;
    - bridges in routed gateway mode with the same name on several hosts: reached across hosts by routes.
    """
    groups = {}
    for network in networks:
        if network['config_only']:
            continue
        if network['scope'] == 'swarm':
            key = 'swarm:%s' % network['id']
            kind = 'overlay' if network['driver'] == 'overlay' else 'swarm'
        elif network['driver'] in LAN_DRIVERS:
            key = 'lan:%s:%s:%s:%s' % (network['name'], network['driver'], network['options'].get('parent'),
                                       ','.join(_subnet_key(network)))
            kind = 'lan'
        elif _routed(network):
            key = 'routed:%s' % network['name']
            kind = 'routed'
        else:
            continue
        groups.setdefault(key, dict(kind=kind, members=[]))['members'].append(network)
    members = _swarm_members(hosts, swarm)
    config_only = set((network['host'], network['name']) for network in networks if network['config_only'])
    spans = []
    for key in sorted(groups, key=lambda k: (groups[k]['members'][0]['name'], k)):
        group = groups[key]
        first = group['members'][0]
        on_hosts = sorted(set(network['host'] for network in group['members']))
        if group['kind'] != 'overlay' and len(on_hosts) < 2 and group['kind'] != 'swarm':
            continue
        if group['kind'] == 'overlay':
            probe_hosts = list(members)
        elif group['kind'] == 'swarm':
            probe_hosts = [host for host in members if (host, first['config_from']) in config_only or host in on_hosts]
        else:
            probe_hosts = on_hosts
        reason = probe_refusal(first)
        dns = group['kind'] == 'overlay'
        span = dict(
            key=key, name=first['name'], driver=first['driver'], kind=group['kind'], scope=first['scope'],
            on_hosts=on_hosts, probe_hosts=probe_hosts,
            subnets=sorted(set(subnet['subnet'] for network in group['members'] for subnet in network['subnets']
                               if subnet['subnet'])),
            slices=dict((network['host'], [subnet['ip_range'] for subnet in network['subnets'] if subnet['ip_range']])
                        for network in group['members']),
            encrypted='encrypted' in first['options'],
            probe=dict(enabled=reason is None and len(probe_hosts) > 1,
                       reason=reason or (None if len(probe_hosts) > 1 else 'fewer than two hosts can run a probe')),
            dns=dns,
            dns_reason=None if dns else "Docker's DNS resolves names only among containers of the same host on a %s network" % first['driver'],
        )
        for network in group['members']:
            network['span'] = key
        spans.append(span)
    return spans


def probe_refusal(network):
    """Why no probe can join this network, or None."""
    if network['ingress']:
        return 'the ingress network carries the routing mesh; containers cannot join it'
    if network['scope'] == 'swarm' and network['driver'] == 'overlay' and not network['attachable']:
        return 'not attachable: standalone probe containers cannot join it'
    return None


def build_report(entries, expected_hosts=None, probe_results=None, probe_networks=None, probed=True,
                 not_probed_reason=None, generated=None):
    """The report document (a dict that serialises to report.json)."""
    entries = sorted(entries, key=lambda entry: entry['host'])
    hosts = [host_view(entry) for entry in entries]
    networks = [network_view(entry['host'], network) for entry in entries for network in entry.get('networks') or []]
    swarm = swarm_view(entries, hosts)
    spanning = spanning_networks(hosts, networks, swarm)
    if probe_networks:
        for span in spanning:
            if span['name'] not in probe_networks and span['probe']['enabled']:
                span['probe'] = dict(enabled=False, reason='not in the list of networks to probe')
    missing = sorted(set(expected_hosts or ()) - set(host['name'] for host in hosts))
    report = dict(
        schema=SCHEMA,
        schema_version=SCHEMA_VERSION,
        generated=generated,
        hosts=hosts,
        unreported_hosts=missing,
        swarm=swarm,
        networks=networks,
        spanning=spanning,
    )
    report['problems'] = find_problems(report)
    report['matrix'] = build_matrix(spanning, probe_results if probed else None,
                                    not_probed_reason=not_probed_reason)
    report['summary'] = summary(report)
    return report


def summary(report):
    counts = dict(passed=0, failed=0, skipped=0)
    for network in report['matrix']:
        for cell in network['cells']:
            for way in ('by_address', 'by_name'):
                status = cell[way]['status']
                key = {'pass': 'passed', 'fail': 'failed'}.get(status, 'skipped')
                counts[key] += 1
    return dict(hosts=len(report['hosts']), networks=len(report['networks']), spanning=len(report['spanning']),
                problems=len(report['problems']), pairs=counts)
