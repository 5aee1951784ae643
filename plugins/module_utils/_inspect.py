# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn what the Docker Engine API says about networks into fleetnet.docker's format.

Private to this collection. Everything except ``gather_networks`` is a pure function over
the dicts the Engine API returns (``GET /networks``, ``GET /containers/json``,
``GET /containers/{id}/json``), so it can be unit-tested with recorded API answers and reused
by anything that needs "what is on this host" (networks_info, the network engine's
before-state and its lossless recreate).

The format (documented in the RETURN block of the networks_info module):

- Absent, null and empty values from Docker become one spelling each: ``{}`` for maps,
  ``[]`` for lists, ``None`` for scalars, so comparing before/after never sees a
  difference between "null" and "empty".
- Container addresses carry no prefix length: that is the form ``docker run --ip`` and
  ``docker network connect --ip`` accept, and the prefix is the subnet's anyway.
- The short container ID Docker adds to a container's aliases on its own (Engine API
  before 1.45) is left out, so that aliases are the same on every Engine version and
  contain only what somebody configured.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# Docker creates these on every host; they cannot be created, changed or removed.
PREDEFINED_NETWORKS = frozenset(('bridge', 'host', 'none'))

SHORT_ID_LENGTH = 12
# Endpoint driver option naming a container's interface (Docker 28.0), and the bridge gateway modes (27.0).
INTERFACE_OPTION = 'com.docker.network.endpoint.ifname'
GATEWAY_MODE_OPTION = 'com.docker.network.bridge.gateway_mode_ipv%d'


def is_predefined(name):
    """True for the networks every Docker daemon creates by itself (bridge, host, none)."""
    return name in PREDEFINED_NETWORKS


def _text_or_none(value):
    """Docker spells "not set" as "" in some places and omits it in others: make it None."""
    return value if value else None


def select_networks(networks, names=None, drivers=None):
    """The networks of a ``GET /networks`` answer that pass the filters.

    ``names`` and ``drivers`` match exactly (Docker's own ``name`` filter matches
    substrings, which is not what a user listing names expects). An empty or missing
    filter lets every network through.
    """
    wanted_names = set(names or ())
    wanted_drivers = set(drivers or ())
    return [
        network for network in networks
        if (not wanted_names or network.get('Name') in wanted_names)
        and (not wanted_drivers or network.get('Driver') in wanted_drivers)
    ]


def attached_containers(networks, container_summaries):
    """Which running containers are attached to which of ``networks``.

    ``container_summaries`` is a ``GET /containers/json`` answer (running containers only:
    a stopped container keeps its network settings but has no endpoint). Returns a dict
    network ID -> list of container IDs, in the order Docker listed the containers.
    Endpoints are matched by network ID; by name only when Docker left the ID out.
    """
    known_ids = set(network['Id'] for network in networks)
    id_by_name = dict((network['Name'], network['Id']) for network in networks)
    attached = {}
    for container in container_summaries:
        endpoints = (container.get('NetworkSettings') or {}).get('Networks') or {}
        for network_name, endpoint in endpoints.items():
            network_id = (endpoint or {}).get('NetworkID') or id_by_name.get(network_name)
            if network_id in known_ids:
                attached.setdefault(network_id, []).append(container['Id'])
    return attached


def normalise_ipam(ipam):
    """The IPAM part of a network: driver, options and one entry per subnet."""
    ipam = ipam or {}
    subnets = []
    for config in ipam.get('Config') or []:
        subnets.append(dict(
            subnet=_text_or_none(config.get('Subnet')),
            gateway=_text_or_none(config.get('Gateway')),
            ip_range=_text_or_none(config.get('IPRange')),
            aux_addresses=dict(config.get('AuxiliaryAddresses') or {}),
        ))
    return dict(
        driver=_text_or_none(ipam.get('Driver')),
        options=dict(ipam.get('Options') or {}),
        subnets=subnets,
    )


def _find_endpoint(container, network_id, network_name):
    endpoints = (container.get('NetworkSettings') or {}).get('Networks') or {}
    for endpoint in endpoints.values():
        if endpoint and endpoint.get('NetworkID') == network_id:
            return endpoint
    # Docker leaves NetworkID empty in some states (e.g. a container that is just starting).
    endpoint = endpoints.get(network_name)
    if endpoint and not endpoint.get('NetworkID'):
        return endpoint
    return None


def normalise_endpoint(container, network_id, network_name):
    """One attached container, from its ``GET /containers/{id}/json`` answer.

    Returns None when the container is not (or no longer) attached to the network.
    """
    endpoint = _find_endpoint(container, network_id, network_name)
    if endpoint is None:
        return None
    short_id = container['Id'][:SHORT_ID_LENGTH]
    return dict(
        name=(container.get('Name') or '').lstrip('/'),
        id=container['Id'],
        ipv4_address=_text_or_none(endpoint.get('IPAddress')),
        ipv6_address=_text_or_none(endpoint.get('GlobalIPv6Address')),
        mac_address=_text_or_none(endpoint.get('MacAddress')),
        aliases=[alias for alias in endpoint.get('Aliases') or [] if alias != short_id],
        # Docker 28.0 (API 1.48) and later report GwPriority; None where the engine has no such field.
        gw_priority=endpoint.get('GwPriority'),
        interface_name=_text_or_none((endpoint.get('DriverOpts') or {}).get(INTERFACE_OPTION)),
        driver_opts=dict(endpoint.get('DriverOpts') or {}),
    )


def normalise_network(network, containers=()):
    """One network from a ``GET /networks`` (or ``GET /networks/{id}``) entry.

    ``containers`` are the attached containers, already normalised with
    ``normalise_endpoint``; they are sorted by name so that output is stable.
    """
    return dict(
        name=network['Name'],
        id=network['Id'],
        driver=network.get('Driver'),
        scope=network.get('Scope'),
        predefined=is_predefined(network['Name']),
        internal=bool(network.get('Internal')),
        attachable=bool(network.get('Attachable')),
        ingress=bool(network.get('Ingress')),
        enable_ipv6=bool(network.get('EnableIPv6')),
        # Docker 28.0 (API 1.48) and later report EnableIPv4; None where the engine has no such field.
        enable_ipv4=network.get('EnableIPv4'),
        # Bridge driver options of Docker 27.0 and later; None when not set (Docker then uses nat).
        gateway_mode_ipv4=_text_or_none((network.get('Options') or {}).get(GATEWAY_MODE_OPTION % 4)),
        gateway_mode_ipv6=_text_or_none((network.get('Options') or {}).get(GATEWAY_MODE_OPTION % 6)),
        ipam=normalise_ipam(network.get('IPAM')),
        options=dict(network.get('Options') or {}),
        labels=dict(network.get('Labels') or {}),
        config_only=bool(network.get('ConfigOnly')),
        config_from=_text_or_none((network.get('ConfigFrom') or {}).get('Network')),
        created=network.get('Created'),
        containers=sorted(containers, key=lambda container: (container['name'], container['id'])),
    )


def sort_networks(networks):
    """Normalised networks by name; the ID breaks ties (swarm allows duplicate names)."""
    return sorted(networks, key=lambda network: (network['name'], network['id']))


def gather_networks(client, names=None, drivers=None):
    """Every network on the daemon of ``client`` (a DockerClient), normalised and sorted.

    Round trips: one network list, then (only when some network is selected) one list of
    running containers, then one inspect per attached container, each container inspected
    once however many selected networks it is on. Networks are never inspected one by one:
    the network list has everything but the containers, and the container list says which
    containers are attached where. Only container inspect has the aliases.
    """
    networks = select_networks(client.list_networks(), names, drivers)
    attached = {}
    if networks:
        # Running containers only: a stopped container has no address to report.
        summaries = client.list_containers(all=False)
        attached = attached_containers(networks, summaries)
    inspected = {}
    for container_ids in attached.values():
        for container_id in container_ids:
            if container_id not in inspected:
                # A container can stop and be removed between listing and inspecting it; that is not
                # an error, it is simply no longer attached.
                inspected[container_id] = client.inspect_container(container_id, missing_ok=True)
    result = []
    for network in networks:
        containers = []
        for container_id in attached.get(network['Id'], ()):
            container = inspected.get(container_id)
            endpoint = normalise_endpoint(container, network['Id'], network['Name']) if container else None
            if endpoint is not None:
                containers.append(endpoint)
        result.append(normalise_network(network, containers))
    return sort_networks(result)
