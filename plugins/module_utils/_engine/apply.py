# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carrying out a validated plan, and putting a network back when its recreate fails.

Private to this collection. Every failure is raised as an EngineError that says what was already
done (``done``: actions entries) and what was not started (``not_done``: network names).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerAPIError
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import link_pairs, reconnect_addresses
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import APPLY_ORDER
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import EngineError


class Applier:
    """Applies plan items for one driver through ``client`` (a DockerClient)."""

    def __init__(self, client, spec, sleep=time.sleep, clock=time.time):
        self.client = client
        self.spec = spec
        self.host = client.host
        self.done = []
        self._sleep = sleep
        self._clock = clock

    def apply(self, items):
        """Deletions first, so their subnets and names are free for the rest; stops at the first failure."""
        ordered = sorted((item for item in items if item.changes), key=lambda item: APPLY_ORDER.index(item.action))
        for position, item in enumerate(ordered):
            try:
                self.apply_item(item)
            except EngineError as exc:
                exc.done = list(self.done)
                exc.not_done = [later.name for later in ordered[position:]]
                raise
            self.done.append(item.report())
        return self.done

    def apply_item(self, item):
        if item.action == 'delete':
            self.client.remove_network(item.network['Id'], item.name)
            self._wait_until_removed(item.network)
        elif item.action == 'recreate':
            self._recreate(item)
        elif item.action == 'create':
            network_id = self.client.create_network(render_payload(self.spec, item.target))
            for endpoint in item.connect:
                self._connect(item.name, network_id, endpoint)
        elif item.action == 'update':
            network_id = item.network['Id']
            for endpoint in item.disconnect + item.reconnect:
                self._disconnect(item.name, network_id, endpoint)
            for endpoint in item.reconnect + item.connect:
                self._connect(item.name, network_id, endpoint)

    def _recreate(self, item):
        """Disconnect, remove, create, reconnect; if creating fails, put the old network back as it was."""
        old_id = item.network['Id']
        for endpoint in item.endpoints:
            self._disconnect(item.name, old_id, endpoint)
        try:
            self.client.remove_network(old_id, item.name)
            self._wait_until_removed(item.network)
        except DockerAPIError as exc:
            # A swarm network can be in use on other nodes, which this host cannot see beforehand
            # (the API hides network-attachment tasks): put the local containers back and stop.
            for endpoint in item.endpoints:
                self._connect(item.name, old_id, endpoint, item.before.get('subnets'))
            raise EngineError(
                'network "%s" on %s: cannot be recreated, Docker refused to remove it (%s); it was left '
                'as it was, with its containers reconnected. A swarm network used on other nodes must be '
                'freed there first' % (item.name, self.host, exc.explanation or exc))
        try:
            new_id = self.client.create_network(render_payload(self.spec, item.target))
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever went wrong, the old network comes back first: its containers must not stay cut off.
            restored_id = self.client.create_network(render_payload(self.spec, item.before))
            for endpoint in item.endpoints:
                self._connect(item.name, restored_id, endpoint, item.before.get('subnets'))
            if not isinstance(exc, EngineError):
                raise
            raise EngineError(
                'network "%s" on %s: recreating it failed (%s); the previous network was put back with its '
                'containers' % (item.name, self.host, getattr(exc, 'explanation', None) or exc))
        for endpoint in item.staying():
            self._connect(item.name, new_id, endpoint, item.target.get('subnets'))
        for endpoint in item.connect:
            self._connect(item.name, new_id, endpoint)

    def _wait_until_removed(self, network, timeout=30):
        """A swarm network disappears from this node a moment after the manager removed it; creating one
        with the same name before that fails with a name conflict."""
        if network.get('Scope') != 'swarm':
            return
        deadline = self._clock() + timeout
        while self._clock() < deadline:
            if self.client.inspect_network(network['Id']) is None:
                return
            self._sleep(0.2)
        raise EngineError('network "%s" on %s: still present %d seconds after it was removed'
                          % (network['Name'], self.host, timeout))

    def _disconnect(self, network_name, network_id, endpoint):
        if endpoint.get('service'):
            return
        self.client.disconnect_container(endpoint.get('id') or endpoint['name'], network_id, network_name,
                                         container_name=endpoint['name'])

    def _connect(self, network_name, network_id, endpoint, keep_dynamic_in=None):
        if endpoint.get('service'):
            return
        addresses = reconnect_addresses(endpoint, keep_dynamic_in) if keep_dynamic_in is not None else \
            dict(ipv4_address=endpoint.get('ipv4_address'), ipv6_address=endpoint.get('ipv6_address'))
        # Engine API 1.44 is the first to take a MAC address on connect; older daemons derive it from the IP.
        mac_address = endpoint.get('mac_address') if self.client.api_at_least('1.44') else None
        self.client.connect_container(
            endpoint.get('id') or endpoint['name'], network_id, network_name,
            ipv4_address=addresses['ipv4_address'], ipv6_address=addresses['ipv6_address'],
            aliases=endpoint.get('aliases') or None, links=link_pairs(endpoint.get('links')) or None,
            driver_opts=endpoint.get('driver_opts') or None, mac_address=mac_address,
            container_name=endpoint['name'])
