# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One fake of the Engine API for the unit tests: an in-memory daemon behind DockerClient's typed methods.

It keeps networks and containers the way GET /networks and GET /containers/{id}/json report them,
changes them on create/remove/connect/disconnect as dockerd would, records every call in ``calls``,
and refuses what dockerd refuses (a name that is taken, removing a network with attached containers).
``fail`` makes a chosen call raise DockerAPIError, to drive the failure paths.

The same daemon answers the ``_client_*`` mixins' methods (swarm membership and nodes, managed
plugins, probe containers), which hand back the SDK's answers and raise the SDK's errors, and
``call`` reports a failure the way a legacy DockerClient does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib

from ansible_collections.fleetnet.docker.plugins.module_utils._client import APIError, DockerAPIError, DockerClient, NotFound
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

# The manager a swarm node of these tests knows, and the join token it is given.
MANAGER = {'NodeID': 'm1', 'Addr': '10.0.0.1:2377'}
SWARM_TOKEN = 'SWMTKN-1-secret-worker-token'
# Calls that change the daemon's swarm membership, plugins or containers (see writes()).
WRITES = ('init_swarm', 'join_swarm', 'leave_swarm', 'update_swarm', 'update_node', 'remove_node',
          'pull_plugin', 'upgrade_plugin', 'enable_plugin', 'disable_plugin', 'configure_plugin', 'remove_plugin',
          'create_plugin', 'create_plugin_from_tar', 'pull_image', 'run_container', 'remove_container', 'exec_in')


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


def swarm_state(state='inactive', control=False):
    """The Swarm section of GET /info on a node in ``state`` (a manager when ``control``)."""
    return {'LocalNodeState': state, 'NodeID': 'n2' if state != 'inactive' else '', 'NodeAddr': '10.0.0.2',
            'ControlAvailable': control, 'Error': 'rpc error: no route to host' if state == 'error' else '',
            'RemoteManagers': [MANAGER] if state != 'inactive' else [], 'Managers': 1 if control else 0}


def attachment(network, address=None, aliases=(), static=True, mac='02:42:0a:00:00:05', container_id=None):
    """Endpoint settings of one container on ``network`` (an item of NetworkSettings.Networks)."""
    extra = [container_id[:12]] if container_id else []
    return dict(NetworkID=network['Id'], IPAddress=address or '', Aliases=list(aliases) + extra,
                IPAMConfig=dict(IPv4Address=address) if static and address else None, Links=None,
                MacAddress=mac, DriverOpts=None, GlobalIPv6Address='')


# What `docker info` says of a demoted leader for a few seconds on Docker 28.5.
CONTROL_GONE = ('rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: '
                'dial unix /run/docker/swarm/control.sock: connect: no such file or directory"')


class FakeDocker:
    """Stands in for DockerClient (the typed methods only), with a daemon kept in memory."""

    def __init__(self, networks=(), containers=(), services=(), swarm=None, plugins=(), info=None,
                 api_version='1.41', host='h1', vanishing=(), engine_version='20.10.24', nodes=(),
                 privileges=(), images=(), exec_results=None):
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
        # Swarm: the nodes a manager lists; a join that Docker refuses (``join_error``), leaving the
        # node in ``join_leaves``; what `pending` turns into on the next reads (a join finishing late).
        self.nodes = [copy.deepcopy(node) for node in nodes]
        self.join_error = None
        self.join_leaves = 'pending'
        self.states_after_pending = []
        self.control_gone_reads = None
        self.cluster = {'ID': 'c1', 'Spec': {}, 'Version': {'Index': 7},
                        'JoinTokens': {'Worker': SWARM_TOKEN, 'Manager': SWARM_TOKEN + '-manager'}}
        # Plugins: the privileges a registry reference asks for.
        self.privileges = list(privileges)
        # Probe containers: images on the host; exec_results[command's last word] = (output, exit code).
        self.images = set(images)
        self.exec_results = dict(exec_results or {})

    # ------------------------------------------------------------ test controls

    def fail(self, method, explanation, when=lambda *args: True, times=1):
        """Make ``method`` raise DockerAPIError with ``explanation`` (``times`` times) when ``when(*args)``."""
        self.failures[method] = (explanation, when, times)

    def _record(self, method, *args, **how):
        """Record a call; raise the failure ``fail`` chose for it: DockerAPIError, or with sdk=True the SDK's APIError."""
        self.calls.append((method,) + args)
        failure = self.failures.get(method)
        if failure and failure[2] > 0 and failure[1](*args):
            explanation, when, times = failure
            self.failures[method] = (explanation, when, times - 1)
            if how.get('sdk'):
                raise APIError('500 Server Error', explanation=explanation)
            raise DockerAPIError('%s on %s failed: %s' % (method, self.host, explanation),
                                 explanation=explanation, status_code=500)

    def call_names(self):
        return [entry[0] for entry in self.calls]

    def writes(self):
        """The calls that changed something, in order: (method, arguments...)."""
        return [entry for entry in self.calls if entry[0] in WRITES]

    @property
    def swarm(self):
        return self._info['Swarm']

    def become(self, state, control=False):
        """This node's swarm state changes as dockerd's does when it joins, inits or leaves."""
        self._info['Swarm'].update(swarm_state(state, control), NodeID='n2',
                                   RemoteManagers=[MANAGER] if state == 'active' else [])

    def network(self, name):
        found = [network for network in self.networks if network['Name'] == name]
        return found[0] if found else None

    def container(self, name):
        return [item for item in self.containers if item['Name'] == '/' + name][0]

    # ------------------------------------------------------------ DockerClient's typed methods

    def api_at_least(self, version):
        return tuple(int(part) for part in self.api_version.split('.')) >= tuple(int(part) for part in version.split('.'))

    # The real client's rules about engine versions, on this daemon's GET /version, and its checks.
    engine = DockerClient.engine
    engine_at_least = DockerClient.engine_at_least
    engine_problem = DockerClient.engine_problem
    engine_versions = DockerClient.engine_versions
    require_api = DockerClient.require_api

    def call(self, what, method, *args, **kwargs):
        """DockerClient.call: the SDK's refusals become a DockerAPIError that says what failed, where."""
        try:
            return method(*args, **kwargs)
        except APIError as exc:
            explanation = getattr(exc, 'explanation', None) or str(exc)
            raise DockerAPIError('%s on %s failed: %s' % (what, self.host, explanation), explanation=explanation,
                                 status_code=getattr(exc, 'status_code', None))
        except ModuleFailure:
            raise

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
                          links=None, driver_opts=None, mac_address=None, gw_priority=None, container_name=None):
        self._record('connect_container', container_name or reference, network_name,
                     dict(ipv4_address=ipv4_address, aliases=aliases, mac_address=mac_address,
                          driver_opts=driver_opts, gw_priority=gw_priority))
        item = self._by_reference(reference)
        network = [network for network in self.networks if network['Id'] == ident][0]
        settings = attachment(network, ipv4_address or '10.255.0.9', aliases or (), static=bool(ipv4_address),
                              mac=mac_address or '02:42:0a:ff:00:09', container_id=item['Id'])
        settings['DriverOpts'] = dict(driver_opts) if driver_opts else None
        if self.api_at_least('1.48'):
            settings['GwPriority'] = gw_priority or 0
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

    def list_nodes(self):
        self._record('list_nodes')
        if not (self._info['Swarm'].get('ControlAvailable')):
            raise DockerAPIError('listing swarm nodes failed: this node is not a swarm manager', status_code=503)
        return copy.deepcopy(self.nodes)

    def list_plugins(self):
        self._record('list_plugins')
        return copy.deepcopy(self.plugins)

    # ------------------------------------------------------------ the _client_* mixins' methods

    def read_info(self):
        self._record('read_info', sdk=True)
        if self.swarm['LocalNodeState'] == 'pending' and self.states_after_pending:
            self.swarm['LocalNodeState'] = self.states_after_pending.pop(0)
        if self.control_gone_reads is not None:
            if self.control_gone_reads == 0:
                # The demotion has reached this node: a worker now.
                self.swarm.update(ControlAvailable=False, Error='', Managers=0)
                self.control_gone_reads = None
            else:
                self.control_gone_reads -= 1
        return copy.deepcopy(self._info)

    def demoted(self, reads):
        """This manager was demoted: for ``reads`` reads it still says it is one, its control socket gone
        (Docker 28.5 after the leader's demotion)."""
        self.swarm.update(LocalNodeState='active', ControlAvailable=True, Error=CONTROL_GONE)
        self.control_gone_reads = reads

    def read_version(self):
        self._record('read_version', sdk=True)
        return dict(Version=self.engine_version, ApiVersion=self.api_version)

    def read_networks(self):
        self._record('read_networks', sdk=True)
        return copy.deepcopy(self.networks)

    def read_network(self, reference):
        self._record('read_network', reference, sdk=True)
        found = [network for network in self.networks if reference in (network['Id'], network['Name'])]
        if not found:
            raise NotFound('network %s not found' % reference)
        return copy.deepcopy(found[0])

    def ping(self):
        self._record('ping', sdk=True)
        return True

    # swarm
    def inspect_swarm(self):
        self._record('inspect_swarm', sdk=True)
        return copy.deepcopy(self.cluster)

    def require_init_swarm_sdk(self, option, parameter, version):
        self._record('require_init_swarm_sdk', option, sdk=True)

    def init_swarm(self, **options):
        self._record('init_swarm', options, sdk=True)
        self.become('active', control=True)

    def join_swarm(self, **options):
        self._record('join_swarm', options, sdk=True)
        if self.join_error:
            self.become(self.join_leaves)
            raise APIError('500 Server Error', explanation=self.join_error)
        self.become('active')

    def leave_swarm(self, force=False):
        self._record('leave_swarm', {'force': force}, sdk=True)
        self.become('inactive')

    def update_swarm(self, version, swarm_spec, **rotations):
        self._record('update_swarm', dict(rotations, version=version, spec=swarm_spec), sdk=True)
        self.cluster['Spec'] = copy.deepcopy(swarm_spec)

    def swarm_nodes(self):
        self._record('swarm_nodes', sdk=True)
        return copy.deepcopy(self.nodes)

    def inspect_node(self, node_id):
        self._record('inspect_node', node_id, sdk=True)
        return copy.deepcopy(next(node for node in self.nodes if node['ID'] == node_id))

    def update_node(self, node_id, version, node_spec):
        self._record('update_node', {'id': node_id, 'spec': node_spec}, sdk=True)
        next(node for node in self.nodes if node['ID'] == node_id)['Spec'] = copy.deepcopy(node_spec)

    def remove_node(self, node_id, force=False):
        self._record('remove_node', node_id, {'force': force}, sdk=True)
        self.nodes = [node for node in self.nodes if node['ID'] != node_id]

    # managed plugins
    def _plugin(self, name):
        found = [plugin for plugin in self.plugins if plugin['Name'] == name]
        if not found:
            raise NotFound('plugin "%s" not found' % name)
        return found[0]

    def _set_plugin(self, name, **fields):
        self.plugins = [dict(plugin, **fields) if plugin['Name'] == name else plugin for plugin in self.plugins]

    def inspect_plugin(self, name):
        self._record('inspect_plugin', sdk=True)
        return copy.deepcopy(self._plugin(name))

    def plugin_privileges(self, reference):
        self._record('plugin_privileges', reference, sdk=True)
        return copy.deepcopy(self.privileges)

    def pull_plugin(self, reference, privileges, name):
        self._record('pull_plugin', reference, name, sdk=True)
        self.plugins.append(dict(Name=name, Id='p' + name, Enabled=False, PluginReference=reference,
                                 Settings=dict(Env=[])))
        return iter([{'status': 'done'}])

    def upgrade_plugin(self, name, reference, privileges):
        self._record('upgrade_plugin', name, reference, sdk=True)
        self._set_plugin(name, PluginReference=reference)
        return iter([{'status': 'done'}])

    def enable_plugin(self, name):
        self._record('enable_plugin', name, sdk=True)
        self._set_plugin(name, Enabled=True)

    def disable_plugin(self, name):
        self._record('disable_plugin', name, sdk=True)
        self._set_plugin(name, Enabled=False)

    def configure_plugin(self, name, options):
        self._record('configure_plugin', name, options, sdk=True)

    def remove_plugin(self, name):
        self._record('remove_plugin', name, sdk=True)
        self.plugins = [plugin for plugin in self.plugins if plugin['Name'] != name]

    def create_plugin(self, name, folder):
        self._record('create_plugin', name, folder, sdk=True)
        self.plugins.append(dict(Name=name, Id='p' + name, Enabled=False, Settings=dict(Env=[])))

    def create_plugin_from_tar(self, name, archive):
        self._record('create_plugin_from_tar', name, archive.read(), sdk=True)
        self.plugins.append(dict(Name=name, Id='p' + name, Enabled=False, Settings=dict(Env=[])))

    # probe containers
    def inspect_image(self, image):
        self._record('inspect_image', sdk=True)
        if image not in self.images:
            raise NotFound('No such image: %s' % image)
        return {'Id': 'sha256:' + hashlib.sha256(image.encode()).hexdigest()}

    def pull_image(self, repository, tag):
        self._record('pull_image', repository, tag, sdk=True)
        self.images.add('%s:%s' % (repository, tag))

    def run_container(self, image, command, name, labels, network):
        self._record('run_container', name, network, sdk=True)
        target = [item for item in self.networks if network in (item['Id'], item['Name'])][0]
        created = container(name, labels=labels, networks={
            target['Name']: attachment(target, '10.255.0.%d' % (len(self.containers) + 2), static=False)})
        created['Config']['Image'] = image
        self.containers.append(created)
        return {'Id': created['Id']}

    def read_container(self, reference):
        self._record('read_container', reference, sdk=True)
        found = [item for item in self.containers if reference in (item['Id'], item['Name'].lstrip('/'))]
        if not found:
            raise NotFound('No such container: %s' % reference)
        return copy.deepcopy(found[0])

    def container_summaries(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        self._record('container_summaries', filters, sdk=True)
        wanted = (filters or {}).get('label')
        found = []
        for item in self.containers:
            if not all and not item['State']['Running']:
                continue
            if wanted and wanted not in item['Config']['Labels']:
                continue
            found.append(dict(Id=item['Id'], Names=[item['Name']], Labels=copy.deepcopy(item['Config']['Labels'])))
        return found

    def remove_container(self, reference, force=True):
        self._record('remove_container', reference, sdk=True)
        before = len(self.containers)
        self.containers = [item for item in self.containers if reference not in (item['Id'], item['Name'].lstrip('/'))]
        if len(self.containers) == before:
            raise NotFound('No such container: %s' % reference)

    def exec_in(self, reference, command):
        self._record('exec_in', reference, command[-1], sdk=True)
        return self.exec_results.get(command[-1], (b'', 0))
