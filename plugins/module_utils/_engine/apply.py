# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carrying out a validated plan, and putting a network back when its recreate fails.

Private to this collection. Every failure is raised as a ModuleFailure that says what was already
done (``done``: actions entries) and what was not started (``not_done``: network names).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.fleetnet.docker.plugins.module_utils._client_errors import DockerAPIError
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import connect_arguments
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import APPLY_ORDER
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.recreate import Recreate
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class Applier:
    """Applies plan items for one driver through ``client`` (a DockerClient)."""

    def __init__(self, client, spec, sleep=time.sleep, clock=time.time, journal=None, warn=lambda text: None):
        self.client = client
        self.spec = spec
        self.journal = journal
        self.warn = warn
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
            except ModuleFailure as exc:
                # A recreate Docker refused half-way was put back: that is done too (a new network ID).
                exc.done = list(self.done) + list(exc.done)
                exc.not_done = [later.name for later in ordered[position:]]
                raise
            self.done.append(item.report())
        return self.done

    def apply_item(self, item):
        if item.action == 'delete':
            try:
                self.client.remove_network(item.network['Id'], item.name)
            except DockerAPIError as exc:
                # Gone already: Docker finished a removal of its own between the listing and now (a
                # swarm network leaving this node, ingress after its last service): it is deleted.
                if exc.status_code != 404:
                    raise
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
        """Journalled; what Docker refuses half-way is put back as it was (recreate.py, docs/safety.md)."""
        Recreate(self.client, self.spec, self.journal, self._wait_until_removed, self.warn).run(item)

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
        raise ModuleFailure('network "%s" on %s: still present %d seconds after it was removed: Docker takes a '
                            'swarm network off a node once the manager has removed it, and it did not here within '
                            'that time; run again to finish' % (network['Name'], self.host, timeout))

    def _disconnect(self, network_name, network_id, endpoint):
        if endpoint.get('service'):
            return
        self.client.disconnect_container(endpoint.get('id') or endpoint['name'], network_id, network_name,
                                         container_name=endpoint['name'])

    def _connect(self, network_name, network_id, endpoint):
        if endpoint.get('service'):
            return
        arguments = connect_arguments(endpoint, None, self.client.engine_at_least)
        self.client.connect_container(endpoint.get('id') or endpoint['name'], network_id, network_name,
                                      container_name=endpoint['name'], **arguments)
