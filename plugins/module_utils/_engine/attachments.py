# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers attached to a network: how they are attached now, and what changes.

Private to this collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam


SWARM_SERVICE_LABEL = 'com.docker.swarm.service.name'


def endpoint_from_container(container, network_name, network_id=None):
    """What is needed to reconnect a container exactly as it is attached now.

    ``container`` is a container inspect result. Docker adds the short container id as an alias
    by itself on every connect, so it is left out: passing it back would only duplicate it.
    """
    networks = (container.get('NetworkSettings') or {}).get('Networks') or {}
    settings = networks.get(network_name)
    if settings is None and network_id:
        for value in networks.values():
            if value.get('NetworkID') == network_id:
                settings = value
    settings = settings or {}
    static = settings.get('IPAMConfig') or {}
    short_id = container['Id'][:12]
    labels = (container.get('Config') or {}).get('Labels') or {}
    return dict(
        name=container['Name'].lstrip('/'),
        id=container['Id'],
        running=bool((container.get('State') or {}).get('Running')),
        aliases=sorted(alias for alias in (settings.get('Aliases') or []) if alias not in (short_id, container['Id'])),
        ipv4_address=_ipam.canonical_address(static.get('IPv4Address')),
        ipv6_address=_ipam.canonical_address(static.get('IPv6Address')),
        current_ipv4=_ipam.canonical_address(settings.get('IPAddress')),
        current_ipv6=_ipam.canonical_address(settings.get('GlobalIPv6Address')),
        links=list(settings.get('Links') or []),
        mac_address=settings.get('MacAddress') or None,
        driver_opts=dict(settings.get('DriverOpts') or {}),
        service=labels.get(SWARM_SERVICE_LABEL),
    )


def desired_container(container):
    return dict(name=container['name'],
                aliases=None if container.get('aliases') is None else sorted(set(container['aliases'])),
                ipv4_address=_ipam.canonical_address(container.get('ipv4_address')),
                ipv6_address=_ipam.canonical_address(container.get('ipv6_address')))


def attachment_changes(desired_containers, endpoints, state):
    """(connect, reconnect, disconnect) lists of endpoint dicts turning ``endpoints`` into what is desired.

    ``desired_containers`` ``None`` means attachments are not managed: nothing changes.
    A changed endpoint is reconnected, because Docker cannot edit one in place.
    """
    if desired_containers is None:
        return [], [], []
    exact = state in ('replaced', 'overridden')
    by_name = dict((endpoint['name'], endpoint) for endpoint in endpoints)
    connect, reconnect = [], []
    for container in desired_containers:
        current = by_name.get(container['name'])
        if current is None:
            connect.append(dict(container, links=[], driver_opts={}, mac_address=None))
            continue
        wanted = dict(current)
        if container['aliases'] is not None:
            wanted['aliases'] = container['aliases'] if exact else sorted(set(current['aliases']) | set(container['aliases']))
        for family in ('ipv4_address', 'ipv6_address'):
            if container[family] is not None:
                wanted[family] = container[family]
        if any(wanted[key] != current[key] for key in ('aliases', 'ipv4_address', 'ipv6_address')):
            reconnect.append(wanted)
    disconnect = []
    if exact:
        names = set(container['name'] for container in desired_containers)
        disconnect = [endpoint for endpoint in endpoints if endpoint['name'] not in names]
    return connect, reconnect, disconnect


def reconnect_addresses(endpoint, target_subnets):
    """Addresses to reconnect with after a recreate: static ones always, dynamic ones when they still fit.

    Keeping a dynamic address is what makes the recreate invisible to peers that cached it; Docker
    only accepts a requested address on a network with configured subnets.
    """
    subnets = [entry['subnet'] for entry in target_subnets or []]
    reserved = set()
    for entry in target_subnets or []:
        reserved.add(entry.get('gateway') or _ipam.first_host(entry['subnet']))
        reserved.update((entry.get('aux_addresses') or {}).values())
    addresses = {}
    for family, current in (('ipv4_address', 'current_ipv4'), ('ipv6_address', 'current_ipv6')):
        address = endpoint.get(family)
        dynamic = endpoint.get(current)
        if not address and dynamic and dynamic not in reserved and _ipam.fits_subnets(dynamic, subnets):
            address = dynamic
        addresses[family] = address
    return addresses


def link_pairs(links):
    # The SDK wants (container, alias) pairs; inspect reports "container:alias" strings.
    pairs = []
    for link in links or []:
        container, _sep, alias = link.partition(':')
        pairs.append((container.lstrip('/'), alias.split('/')[-1] or None))
    return pairs
