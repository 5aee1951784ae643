# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers attached to a network: how they are attached now, and what changes.

Private to this collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._engine import endpoint_options
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.endpoint_options import (
    DYNAMIC_MARK, INTERFACE_OPTION, RELEASES)


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
    static = dict(settings.get('IPAMConfig') or {})
    # An address a recreate only pinned to keep it is still the one Docker chose (docs/safety.md).
    for family in dynamic_families(settings.get('DriverOpts')):
        static.pop('IPv4Address' if family == 'ipv4' else 'IPv6Address', None)
    short_id = container['Id'][:12]
    labels = (container.get('Config') or {}).get('Labels') or {}
    endpoint = dict(
        name=container['Name'].lstrip('/'),
        id=container['Id'],
        running=bool((container.get('State') or {}).get('Running')),
        aliases=sorted(alias for alias in (settings.get('Aliases') or []) if alias not in (short_id, container['Id'])),
        ipv4_address=_ipam.canonical_address(static.get('IPv4Address')),
        ipv6_address=_ipam.canonical_address(static.get('IPv6Address')),
        current_ipv4=_ipam.canonical_address(settings.get('IPAddress')),
        current_ipv6=_ipam.canonical_address(settings.get('GlobalIPv6Address')),
        links=list(settings.get('Links') or []),
        service=labels.get(SWARM_SERVICE_LABEL),
    )
    # mac_address, gw_priority, interface_name (asked for, or None) and the other driver_opts.
    endpoint.update(endpoint_options.current_options(settings))
    return endpoint


def desired_container(container):
    desired = dict(name=container['name'],
                   aliases=None if container.get('aliases') is None else sorted(set(container['aliases'])),
                   ipv4_address=_ipam.canonical_address(container.get('ipv4_address')),
                   ipv6_address=_ipam.canonical_address(container.get('ipv6_address')))
    desired.update(endpoint_options.desired_options(container))
    return desired


def attachment_changes(desired_containers, endpoints, state, mac_on_connect=False):
    """(connect, reconnect, disconnect) lists of endpoint dicts turning ``endpoints`` into what is desired.

    ``desired_containers`` ``None`` means attachments are not managed: nothing changes.
    A changed endpoint is reconnected, because Docker cannot edit one in place; its ``changes`` say
    what changed, as (field, now, wanted). ``mac_on_connect``: the engine applies a MAC address on
    connect (plan.mac_on_connect), so a different one is a change too.
    """
    if desired_containers is None:
        return [], [], []
    exact = state in ('replaced', 'overridden')
    by_name = dict((endpoint['name'], endpoint) for endpoint in endpoints)
    connect, reconnect = [], []
    for container in desired_containers:
        current = by_name.get(container['name'])
        if current is None:
            connect.append(dict(container, links=[], driver_opts=dict(container.get('driver_opts') or {})))
            continue
        wanted = dict(current)
        if container['aliases'] is not None:
            wanted['aliases'] = container['aliases'] if exact else sorted(set(current['aliases']) | set(container['aliases']))
        for family in ('ipv4_address', 'ipv6_address'):
            if container[family] is not None:
                wanted[family] = container[family]
        changes = [(key, current[key], wanted[key]) for key in ('aliases', 'ipv4_address', 'ipv6_address')
                   if wanted[key] != current[key]]
        options, option_changes = endpoint_options.wanted_options(container, current, exact, mac_on_connect)
        wanted.update(options)
        changes += option_changes
        if changes:
            wanted['changes'] = changes
            reconnect.append(wanted)
    disconnect = []
    if exact:
        names = set(container['name'] for container in desired_containers)
        disconnect = [endpoint for endpoint in endpoints if endpoint['name'] not in names]
    return connect, reconnect, disconnect


def link_pairs(links):
    # The SDK wants (container, alias) pairs; inspect reports "container:alias" strings.
    pairs = []
    for link in links or []:
        container, _sep, alias = link.partition(':')
        pairs.append((container.lstrip('/'), alias.split('/')[-1] or None))
    return pairs


def dynamic_families(driver_opts):
    """The address families a previous reconnect pinned only to keep them (DYNAMIC_MARK)."""
    return set(family for family in (driver_opts or {}).get(DYNAMIC_MARK, '').split(',') if family)


def interface_names(pid):
    """{MAC address: interface name} inside a running container, from its own /sys/class/net.

    Readable where the module runs on the Docker host as root (the usual case); elsewhere empty,
    and interface names are then neither kept nor reported.
    """
    found = {}
    if not pid:
        return found
    for path in glob.glob('/proc/%d/root/sys/class/net/*/address' % pid):
        try:
            with open(path) as handle:
                found[handle.read().strip().lower()] = path.split('/')[-2]
        except (IOError, OSError):
            continue
    return found


def reserved_addresses(target_subnets):
    reserved = set()
    for entry in target_subnets or []:
        try:
            reserved.add(entry.get('gateway') or _ipam.first_host(entry['subnet']))
        except ValueError:
            pass
        reserved.update((entry.get('aux_addresses') or {}).values())
    return reserved


def connect_arguments(endpoint, target_subnets, engine_at_least):
    """Keyword arguments of DockerClient.connect_container that reattach ``endpoint`` as it was.

    Static addresses always; a dynamic one when it still fits the target subnets (peers may have it
    cached), marked with DYNAMIC_MARK so that it keeps counting as dynamic. ``target_subnets`` None
    means "a new attachment": only what the endpoint asks for is sent.

    The endpoint options go with it where the engine honours them (``engine_at_least(release)``;
    what a config asks for was checked against the engine before anything changed): the MAC
    address, gw_priority, the driver options, and the interface name the user asked for. A name the
    kernel gave is never fixed this way (recreate.Recreate._connect says why).
    """
    driver_opts = dict(endpoint.get('driver_opts') or {})
    driver_opts.pop(DYNAMIC_MARK, None)
    addresses = dict(ipv4_address=endpoint.get('ipv4_address'), ipv6_address=endpoint.get('ipv6_address'))
    if target_subnets is not None:
        subnets = [entry['subnet'] for entry in target_subnets]
        reserved = reserved_addresses(target_subnets)
        pinned = []
        for family, current, label in (('ipv4_address', 'current_ipv4', 'ipv4'), ('ipv6_address', 'current_ipv6', 'ipv6')):
            dynamic = endpoint.get(current)
            if not addresses[family] and dynamic and dynamic not in reserved and _ipam.fits_subnets(dynamic, subnets):
                addresses[family] = dynamic
                pinned.append(label)
        if pinned:
            driver_opts[DYNAMIC_MARK] = ','.join(pinned)
    interface = endpoint.get('interface_name')
    if interface and engine_at_least(RELEASES['interface_name']):
        driver_opts[INTERFACE_OPTION] = interface
    arguments = dict(ipv4_address=addresses['ipv4_address'], ipv6_address=addresses['ipv6_address'],
                     aliases=endpoint.get('aliases') or None, links=link_pairs(endpoint.get('links')) or None,
                     driver_opts=driver_opts or None, mac_address=None, gw_priority=None)
    if endpoint.get('mac_address') and engine_at_least(RELEASES['mac_address']):
        arguments['mac_address'] = endpoint['mac_address']
    if endpoint.get('gw_priority') and engine_at_least(RELEASES['gw_priority']):
        arguments['gw_priority'] = endpoint['gw_priority']
    return arguments
