# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the daemon has now: its networks, their containers and services, read once and only as needed.

Private to this collection. A no-op run makes one API round trip (GET /networks, which carries IPAM,
Options and Labels); containers are only looked at for networks whose attachments are managed,
recreated or deleted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerAPIError
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import from_docker, pools_hidden
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import CONFIG_ONLY_POOLS_HIDDEN_FROM


class CurrentState:
    """The networks of one driver on the daemon behind ``client`` (a DockerClient), cached per run."""

    def __init__(self, client, spec):
        self.client = client
        self.spec = spec
        self._networks = None
        self._configs = {}
        self._container_names = None
        self._services = None

    def networks(self, refresh=False):
        if self._networks is None or refresh:
            self._networks = self.client.list_networks()
            self._configs = {}
        return self._networks

    def config_of(self, network):
        """``from_docker`` of a network of the current listing, made once per listing: a run reads each
        network for its plan and again for ``before``, 200 conversions at 100 networks otherwise."""
        if network['Id'] not in self._configs:
            listing = self.networks() if pools_hidden(network) and self._hides_config_only_pools() else None
            self._configs[network['Id']] = from_docker(self.spec, network, listing)
        return self._configs[network['Id']]

    def _hides_config_only_pools(self):
        """Engine 29.0 and later list no pools for a config-only network (config.config_only_subnets);
        asked only when such a network shows none, so other runs never read the engine's version."""
        return self.client.engine_at_least(CONFIG_ONLY_POOLS_HIDDEN_FROM)

    def by_name(self):
        return dict((network['Name'], network) for network in self.networks())

    def managed(self):
        """This driver's networks, predefined ones left out, sorted by name."""
        return [network for network in sorted(self.networks(), key=lambda n: n['Name'])
                if self.spec.manages(network) and network['Name'] not in self.spec.predefined]

    def gathered(self, refresh=False):
        """This driver's networks in the config format."""
        self.networks(refresh=refresh)
        return [self.config_of(network) for network in self.managed()]

    def endpoints(self, network):
        """Every container attached to ``network``, running or stopped, as endpoint dicts."""
        # Lazily: a run that reads no endpoints does not import (compile) attachments (issue 16).
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import (
            endpoint_from_container, interface_names)
        found = []
        # A container that was created on the network and never started has no NetworkID in its settings
        # yet: Docker's filter finds it by the network's name only.
        summaries = self.client.list_containers(all=True, network=network['Id'])
        known = set(summary['Id'] for summary in summaries)
        summaries += [summary for summary in self.client.list_containers(all=True, network=network['Name'])
                      if summary['Id'] not in known]
        for summary in summaries:
            container = self.client.inspect_container(summary['Id'])
            endpoint = endpoint_from_container(container, network['Name'], network['Id'])
            if endpoint.get('service') and self._service_is_gone(endpoint['service']):
                # A task container of a service that was just removed: Docker removes it in a moment, and
                # `docker network rm` does not wait for it either.
                continue
            if endpoint['running'] and endpoint.get('mac_address'):
                # The interface name inside the container, so that a recreate can keep it (Docker 28+) or report it.
                pid = (container.get('State') or {}).get('Pid')
                endpoint['interface'] = interface_names(pid).get(endpoint['mac_address'].lower())
            found.append(endpoint)
        for service in self.services_of(network):
            found.append(dict(name='(service)', service=service, aliases=[], ipv4_address=None, ipv6_address=None,
                              running=True))
        return sorted(found, key=lambda endpoint: endpoint['name'])

    def services_of(self, network):
        """Names of swarm services that use ``network``: attached to it, or published through it (ingress).

        Only a swarm-scoped network can carry services, and only a manager can list them; the
        services are listed once per run, and only when such a network is recreated or deleted.
        """
        if network.get('Scope') != 'swarm':
            return []
        using = set()
        for service in self._service_list() or []:
            spec = service.get('Spec') or {}
            targets = [attachment.get('Target') for attachment in
                       ((spec.get('TaskTemplate') or {}).get('Networks') or spec.get('Networks') or [])]
            virtual_ips = [vip.get('NetworkID') for vip in ((service.get('Endpoint') or {}).get('VirtualIPs') or [])]
            if network['Id'] in targets or network['Name'] in targets or network['Id'] in virtual_ips:
                using.add(spec.get('Name') or service.get('ID'))
        return sorted(using)

    def _service_list(self):
        """The swarm's services, listed once per run; None on a host that cannot list them (not a manager)."""
        if self._services is None:
            try:
                self._services = self.client.list_services()
            except DockerAPIError:
                # Not a manager: this host cannot see services, and cannot change swarm networks either.
                self._services = False
        return None if self._services is False else self._services

    def _service_is_gone(self, service_name):
        services = self._service_list()
        if services is None:
            return False  # a worker cannot tell: keep counting it
        return service_name not in set((service.get('Spec') or {}).get('Name') for service in services)

    def container_names(self):
        if self._container_names is None:
            listed = self.client.list_containers(all=True)
            self._container_names = set(name.lstrip('/') for container in listed for name in container.get('Names') or [])
        return self._container_names
