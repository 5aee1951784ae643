# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One fake of the Engine API for the unit tests: an in-memory daemon behind DockerClient's typed methods.

It keeps networks and containers the way GET /networks and GET /containers/{id}/json report them,
changes them on create/remove/connect/disconnect as dockerd would, records every call in ``calls``,
and refuses what dockerd refuses (a name that is taken, removing a network with attached containers).
``fail`` makes a chosen call raise DockerAPIError, to drive the failure paths.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerAPIError, DockerClient


def network_id(name, serial=0):
    return hashlib.sha256(('%s/%d' % (name, serial)).encode()).hexdigest()


def docker_network(name, subnets=(), options=None, labels=None, driver='bridge', ident=None, gateway=None,
                   scope='local', **fields):
    """A network as GET /networks reports it."""
    config = [dict(Subnet=subnet) for subnet in subnets]
    if gateway:
        config[0]['Gateway'] = gateway
    network = dict(Name=name, Id=ident or network_id(name), Driver=driver, Scope=scope, EnableIPv6=False,
                   Internal=False, Attachable=False, Ingress=False, ConfigOnly=False, ConfigFrom=dict(Network=''),
                   IPAM=dict(Driver='default', Config=config, Options={}), Options=options or {},
                   Labels=labels or {}, Containers={})
    network.update(fields)
    return network


def container(name, networks=None, running=True, labels=None, ident=None):
    """A container as GET /containers/{id}/json reports it; ``networks``: {network name: settings}."""
    ident = ident or hashlib.sha256(name.encode()).hexdigest()
    return dict(Id=ident, Name='/' + name, State=dict(Running=running), Config=dict(Labels=labels or {}),
                NetworkSettings=dict(Networks=copy.deepcopy(networks or {})))


def attachment(network, address=None, aliases=(), static=True, mac='02:42:0a:00:00:05', container_id=None):
    """Endpoint settings of one container on ``network`` (an item of NetworkSettings.Networks)."""
    extra = [container_id[:12]] if container_id else []
    return dict(NetworkID=network['Id'], IPAddress=address or '', Aliases=list(aliases) + extra,
                IPAMConfig=dict(IPv4Address=address) if static and address else None, Links=None,
                MacAddress=mac, DriverOpts=None, GlobalIPv6Address='')


class FakeDocker:
    """Stands in for DockerClient (the typed methods only), with a daemon kept in memory."""

    def __init__(self, networks=(), containers=(), services=(), swarm=None, plugins=(), info=None,
                 api_version='1.41', host='h1', vanishing=(), engine_version='20.10.24'):
        self.host = host
        self.docker_host = 'unix:///var/run/docker.sock'
        self.api_version = api_version
        self.engine_version = engine_version
        self._engine = None
        self.networks = [copy.deepcopy(network) for network in networks]
        self.containers = [copy.deepcopy(item) for item in containers]
        # Container summaries that are listed but gone by the time they are inspected.
        self.vanishing = [copy.deepcopy(item) for item in vanishing]
        self.services = list(services)
        self.plugins = list(plugins)
        self._info = dict(info or {}, Swarm=swarm or dict(LocalNodeState='inactive'))
        self.calls = []
        self.failures = {}
        self._serial = 0

    # ------------------------------------------------------------ test controls

    def fail(self, method, explanation, when=lambda *args: True, times=1):
        """Make ``method`` raise DockerAPIError with ``explanation`` (``times`` times) when ``when(*args)``."""
        self.failures[method] = (explanation, when, times)

    def _record(self, method, *args):
        self.calls.append((method,) + args)
        failure = self.failures.get(method)
        if failure and failure[2] > 0 and failure[1](*args):
            explanation, when, times = failure
            self.failures[method] = (explanation, when, times - 1)
            raise DockerAPIError('%s on %s failed: %s' % (method, self.host, explanation),
                                 explanation=explanation, status_code=500)

    def call_names(self):
        return [entry[0] for entry in self.calls]

    def network(self, name):
        found = [network for network in self.networks if network['Name'] == name]
        return found[0] if found else None

    def container(self, name):
        return [item for item in self.containers if item['Name'] == '/' + name][0]

    # ------------------------------------------------------------ DockerClient's typed methods

    def api_at_least(self, version):
        return tuple(int(part) for part in self.api_version.split('.')) >= tuple(int(part) for part in version.split('.'))

    # The real client's rules about engine versions, on this daemon's GET /version.
    engine = DockerClient.engine
    engine_at_least = DockerClient.engine_at_least
    engine_problem = DockerClient.engine_problem

    def version(self):
        self._record('version')
        return dict(Version=self.engine_version, ApiVersion=self.api_version)

    def info(self):
        self._record('info')
        return copy.deepcopy(self._info)

    def list_networks(self):
        self._record('list_networks')
        return copy.deepcopy(self.networks)

    def inspect_network(self, ident):
        self._record('inspect_network', ident)
        found = [network for network in self.networks if network['Id'] == ident]
        return copy.deepcopy(found[0]) if found else None

    def create_network(self, payload):
        self._record('create_network', payload['Name'])
        if self.network(payload['Name']):
            raise DockerAPIError('creating network on h1 failed: network with name %s already exists' % payload['Name'],
                                 explanation='network with name %s already exists' % payload['Name'], status_code=409)
        self._serial += 1
        fields = dict((key, payload[key]) for key in ('EnableIPv6', 'Internal', 'Attachable', 'Ingress', 'ConfigOnly',
                                                      'Scope') if key in payload)
        if payload.get('ConfigFrom'):
            fields['ConfigFrom'] = payload['ConfigFrom']
        if self.api_at_least('1.48'):
            # Engine 28.0 and later report EnableIPv4 on every network; older ones neither take nor report it.
            fields['EnableIPv4'] = payload.get('EnableIPv4', True)
        network = docker_network(payload['Name'], driver=payload['Driver'], ident=network_id(payload['Name'], self._serial),
                                 options=dict(payload.get('Options') or {}), labels=dict(payload.get('Labels') or {}),
                                 **fields)
        network['IPAM'] = copy.deepcopy(payload['IPAM'])
        self.networks.append(network)
        return network['Id']

    def remove_network(self, ident, name):
        self._record('remove_network', name)
        for item in self.containers:
            if any(settings['NetworkID'] == ident for settings in item['NetworkSettings']['Networks'].values()):
                raise DockerAPIError('removing network on h1 failed: network %s has active endpoints' % name,
                                     explanation='network %s has active endpoints' % name, status_code=403)
        self.networks = [network for network in self.networks if network['Id'] != ident]

    def _by_reference(self, reference):
        return [item for item in self.containers if reference in (item['Id'], item['Name'].lstrip('/'))][0]

    def connect_container(self, reference, ident, network_name, ipv4_address=None, ipv6_address=None, aliases=None,
                          links=None, driver_opts=None, mac_address=None, container_name=None):
        self._record('connect_container', container_name or reference, network_name,
                     dict(ipv4_address=ipv4_address, aliases=aliases, mac_address=mac_address))
        item = self._by_reference(reference)
        network = [network for network in self.networks if network['Id'] == ident][0]
        settings = attachment(network, ipv4_address or '10.255.0.9', aliases or (), static=bool(ipv4_address),
                              mac=mac_address or '02:42:0a:ff:00:09', container_id=item['Id'])
        item['NetworkSettings']['Networks'][network_name] = settings

    def disconnect_container(self, reference, ident, network_name, force=True, container_name=None):
        self._record('disconnect_container', container_name or reference, network_name)
        item = self._by_reference(reference)
        networks = item['NetworkSettings']['Networks']
        for name in [name for name, settings in networks.items() if settings['NetworkID'] == ident]:
            del networks[name]

    def list_containers(self, all=True, network=None):  # pylint: disable=redefined-builtin
        """GET /containers/json: summaries with the network settings (no aliases, as Docker gives none there)."""
        self._record('list_containers', network)
        found = []
        for item in self.containers:
            running = (item.get('State') or {}).get('Running', True)
            if not all and not running:
                continue
            attached = item['NetworkSettings']['Networks']
            # As dockerd: the filter takes a network ID or name.
            if network is None or any(network in (settings['NetworkID'], name) for name, settings in attached.items()):
                networks = dict((name, dict(settings, Aliases=None)) for name, settings in attached.items())
                found.append(dict(Id=item['Id'], Names=[item['Name']], State='running' if running else 'exited',
                                  NetworkSettings=dict(Networks=copy.deepcopy(networks))))
        return found + copy.deepcopy(self.vanishing)

    def inspect_container(self, ident, missing_ok=False):
        self._record('inspect_container', ident[:12])
        found = [item for item in self.containers if item['Id'] == ident]
        if not found:
            if missing_ok:
                return None
            raise DockerAPIError('inspecting container on h1 failed: no such container', status_code=404)
        return copy.deepcopy(found[0])

    def start_container(self, ident, container_name=None):
        self._record('start_container', container_name or ident[:12])
        [item for item in self.containers if item['Id'] == ident][0]['State']['Running'] = True

    def list_services(self):
        self._record('list_services')
        if not (self._info['Swarm'].get('ControlAvailable')):
            raise DockerAPIError('listing swarm services failed: this node is not a swarm manager', status_code=503)
        return copy.deepcopy(self.services)

    def list_plugins(self):
        self._record('list_plugins')
        return copy.deepcopy(self.plugins)
