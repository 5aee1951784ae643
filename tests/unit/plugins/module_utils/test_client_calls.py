# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DockerClient's typed methods through the real Docker SDK, with the HTTP answers served in the test.

The SDK is the part that rejects a wrong argument (a TypeError), so it is not faked: only the
transport under it is. Each test checks the request the daemon would get and how its answer is read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _client

docker = pytest.importorskip('docker')
requests = pytest.importorskip('requests')


class _Unchunked:
    class _fp:
        chunked = False


class EngineAdapter(requests.adapters.BaseAdapter):
    """Answers HTTP requests from a table {(method, path): (status, body)}, and records them."""

    def __init__(self, routes, refuse=False):
        super(EngineAdapter, self).__init__()
        self.routes = routes
        self.refuse = refuse
        self.seen = []

    def send(self, request, **kwargs):
        if self.refuse:
            raise requests.exceptions.ConnectionError('Connection refused')
        path = request.path_url.split('?')[0].split('/', 2)[2]  # without /v1.44
        body = request.body
        if isinstance(body, (str, bytes)) and body:
            try:
                body = json.loads(body)
            except ValueError:
                pass  # a tar upload
        elif not isinstance(body, (str, bytes)) and body is not None:
            body = b''.join(body) if not hasattr(body, 'read') else body.read()
        self.seen.append((request.method, '/' + path, request.path_url.partition('?')[2], body))
        status, answer = self.routes.get((request.method, '/' + path), (404, dict(message='page not found')))
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(answer).encode()
        response.headers['Content-Type'] = 'application/json'
        response.url = request.url
        response.request = request
        # The SDK reads a streamed answer (a plugin pull's progress) from raw: unchunked, it is one JSON body.
        response.raw = _Unchunked()
        return response

    def close(self):
        pass


def client_for(routes, refuse=False, api_version='1.44'):
    client = _client.DockerClient.__new__(_client.DockerClient)
    client.module = None
    client.host = 'h1'
    client.docker_host = 'tcp://127.0.0.1:2375'
    client.api = docker.APIClient(base_url='tcp://127.0.0.1:2375', version=api_version)
    client.api_version = api_version
    adapter = EngineAdapter(routes, refuse)
    client.api.mount('http://', adapter)
    return client, adapter


def test_create_network_posts_the_rendered_payload_as_it_is():
    client, adapter = client_for({('POST', '/networks/create'): (201, dict(Id='n1', Warning=''))})
    payload = dict(Name='cfg', Driver='macvlan', ConfigOnly=True, Options=dict(parent='eth0'),
                   IPAM=dict(Driver='default', Config=[dict(Subnet='10.94.1.0/24')], Options={}), Labels={})
    assert client.create_network(payload) == 'n1'
    assert adapter.seen == [('POST', '/networks/create', '', payload)]


def test_connect_sends_addresses_aliases_and_the_mac_address():
    client, adapter = client_for({('POST', '/networks/n1/connect'): (200, None)})
    client.connect_container('c1', 'n1', 'lan', ipv4_address='10.1.0.5', aliases=['web'], links=[('db', 'db')],
                             driver_opts={'k': 'v'}, mac_address='02:42:0a:01:00:05', container_name='probe')
    method, path, query, body = adapter.seen[0]
    assert (method, path, body['Container']) == ('POST', '/networks/n1/connect', 'c1')
    endpoint = body['EndpointConfig']
    assert endpoint['IPAMConfig'] == dict(IPv4Address='10.1.0.5')
    assert endpoint['Aliases'] == ['web'] and endpoint['Links'] == ['db:db']
    assert endpoint['MacAddress'] == '02:42:0a:01:00:05' and endpoint['DriverOpts'] == {'k': 'v'}


def test_connect_with_gw_priority_posts_the_fields_the_sdk_lacks_once():
    client, adapter = client_for({('POST', '/networks/n1/connect'): (200, None)})
    client.connect_container('c1', 'n1', 'lan', ipv4_address='10.1.0.5', aliases=['web'], gw_priority=10,
                             driver_opts={'com.docker.network.endpoint.ifname': 'blue'},
                             mac_address='02:42:0a:01:00:05', container_name='probe')
    assert len(adapter.seen) == 1
    method, path, _query, body = adapter.seen[0]
    assert (method, path, body['Container']) == ('POST', '/networks/n1/connect', 'c1')
    endpoint = body['EndpointConfig']
    assert endpoint['GwPriority'] == 10 and endpoint['MacAddress'] == '02:42:0a:01:00:05'
    assert endpoint['IPAMConfig'] == dict(IPv4Address='10.1.0.5') and endpoint['Aliases'] == ['web']
    assert endpoint['DriverOpts'] == {'com.docker.network.endpoint.ifname': 'blue'}


def test_connect_with_gw_priority_names_the_container_when_docker_refuses():
    client, _adapter = client_for({('POST', '/networks/n1/connect'): (400, dict(message='invalid gw priority'))})
    with pytest.raises(_client.DockerAPIError) as failure:
        client.connect_container('c1', 'n1', 'lan', gw_priority=10, container_name='probe')
    assert str(failure.value) == 'connecting container "probe" to network "lan" on h1 failed: invalid gw priority'


def test_disconnect_forces_and_names_the_container_on_failure():
    client, adapter = client_for({('POST', '/networks/n1/disconnect'): (500, dict(message='endpoint is busy'))})
    with pytest.raises(_client.DockerAPIError) as failure:
        client.disconnect_container('c1', 'n1', 'lan', container_name='probe')
    assert str(failure.value) == 'disconnecting container "probe" from network "lan" on h1 failed: endpoint is busy'
    assert adapter.seen[0][3] == dict(Container='c1', Force=True)


def test_reads_and_remove():
    client, adapter = client_for({
        ('GET', '/networks'): (200, [dict(Name='lan', Id='n1')]),
        ('GET', '/containers/json'): (200, [dict(Id='c1', Names=['/probe'])]),
        ('GET', '/containers/c1/json'): (200, dict(Id='c1', Name='/probe')),
        ('DELETE', '/networks/n1'): (204, None),
        ('GET', '/info'): (200, dict(Swarm=dict(LocalNodeState='inactive'))),
        ('GET', '/version'): (200, dict(ApiVersion='1.44')),
        ('GET', '/plugins'): (200, []),
        ('GET', '/services'): (503, dict(message='This node is not a swarm manager.')),
    })
    assert client.list_networks() == [dict(Name='lan', Id='n1')]
    assert client.list_containers(all=True, network='n1') == [dict(Id='c1', Names=['/probe'])]
    assert 'all=1' in adapter.seen[-1][2] and 'n1' in requests.utils.unquote(adapter.seen[-1][2])
    assert client.inspect_container('c1')['Name'] == '/probe'
    assert client.info()['Swarm'] == dict(LocalNodeState='inactive')
    assert client.version()['ApiVersion'] == '1.44'
    assert client.list_plugins() == []
    client.remove_network('n1', 'lan')
    assert adapter.seen[-1][:2] == ('DELETE', '/networks/n1')
    with pytest.raises(_client.DockerAPIError) as failure:
        client.list_services()
    assert failure.value.explanation == 'This node is not a swarm manager.'


def test_missing_objects_are_none_where_the_caller_expects_that():
    client, adapter = client_for({})
    assert client.inspect_network('gone') is None
    assert client.inspect_container('gone', missing_ok=True) is None
    with pytest.raises(_client.DockerAPIError):
        client.inspect_container('gone')


def test_a_refused_connection_is_cannot_reach():
    client, adapter = client_for({}, refuse=True)
    with pytest.raises(_client.DockerUnreachable) as failure:
        client.list_networks()
    assert str(failure.value) == 'cannot reach the Docker daemon at tcp://127.0.0.1:2375: Connection refused'


# ---- the _client_* mixins: each typed method sends the request the Engine API documents ----

def test_daemon_reads():
    client, adapter = client_for({
        ('GET', '/info'): (200, dict(Swarm=dict(LocalNodeState='active'))),
        ('GET', '/version'): (200, dict(Version='28.5.1', ApiVersion='1.51')),
        ('GET', '/networks'): (200, [dict(Name='lan')]),
        ('GET', '/networks/bridge'): (200, dict(Name='bridge')),
        ('GET', '/_ping'): (200, 'OK'),
    })
    assert client.read_info()['Swarm']['LocalNodeState'] == 'active'
    assert client.read_version()['Version'] == '28.5.1'
    assert client.read_networks() == [dict(Name='lan')]
    assert client.read_network('bridge') == dict(Name='bridge')
    client.ping()
    assert adapter.seen[-1][:2] == ('GET', '/_ping')
    with pytest.raises(_client.NotFound):
        client.read_network('gone')


def test_swarm_calls():
    spec = dict(Name='default', Orchestration={})
    node = dict(ID='n1', Version=dict(Index=3), Spec=dict(Role='worker'))
    client, adapter = client_for({
        ('GET', '/swarm'): (200, dict(ID='c1', Version=dict(Index=7))),
        ('POST', '/swarm/init'): (200, 'n1'),
        ('POST', '/swarm/join'): (503, dict(message='Timeout was reached before node joined.')),
        ('POST', '/swarm/leave'): (200, None),
        ('POST', '/swarm/update'): (200, None),
        ('GET', '/nodes'): (200, [node]),
        ('GET', '/nodes/n1'): (200, node),
        ('POST', '/nodes/n1/update'): (200, None),
        ('DELETE', '/nodes/n1'): (200, None),
    })
    assert client.inspect_swarm()['ID'] == 'c1'
    client.init_swarm(advertise_addr='10.0.0.1', listen_addr='0.0.0.0:2377', swarm_spec=spec)
    assert adapter.seen[-1][3]['AdvertiseAddr'] == '10.0.0.1' and adapter.seen[-1][3]['Spec'] == spec
    with pytest.raises(_client.APIError) as refused:
        client.join_swarm(remote_addrs=['10.0.0.1'], join_token='SWMTKN-1-x', listen_addr='0.0.0.0:2377')
    assert refused.value.explanation == 'Timeout was reached before node joined.'
    assert adapter.seen[-1][3]['RemoteAddrs'] == ['10.0.0.1']
    client.leave_swarm(force=True)
    assert adapter.seen[-1][:3] == ('POST', '/swarm/leave', 'force=True')
    client.update_swarm(7, spec, rotate_worker_token=True)
    assert adapter.seen[-1][:2] == ('POST', '/swarm/update') and 'version=7' in adapter.seen[-1][2]
    assert 'rotateWorkerToken=True' in adapter.seen[-1][2] and 'rotateManagerToken=False' in adapter.seen[-1][2]
    assert client.swarm_nodes() == [node] and client.inspect_node('n1') == node
    client.update_node('n1', 3, dict(Role='manager'))
    assert adapter.seen[-1][1:] == ('/nodes/n1/update', 'version=3', dict(Role='manager'))
    client.remove_node('n1', force=True)
    assert adapter.seen[-1][:3] == ('DELETE', '/nodes/n1', 'force=True')


def test_swarm_init_refuses_an_option_the_sdk_cannot_send():
    client, adapter = client_for({})
    client.require_init_swarm_sdk('data_path_port', 'data_path_port', '6.0.0')  # SDK 7 has it
    with pytest.raises(_client.ModuleFailure) as failure:
        client.require_init_swarm_sdk('shiny', 'shiny_option', '99.0')
    assert 'option "shiny" needs the Docker SDK for Python 99.0 or newer' in str(failure.value)


def test_plugin_calls(tmp_path):
    plugin = dict(Name='drv:latest', Enabled=False)
    privileges = [dict(Name='network', Value=['host'])]
    client, adapter = client_for({
        ('GET', '/plugins/drv:latest/json'): (200, plugin),
        ('GET', '/plugins/privileges'): (200, privileges),
        ('POST', '/plugins/pull'): (200, dict(status='done')),
        ('POST', '/plugins/drv:latest/upgrade'): (200, dict(status='done')),
        ('POST', '/plugins/drv:latest/enable'): (200, None),
        ('POST', '/plugins/drv:latest/disable'): (200, None),
        ('POST', '/plugins/drv:latest/set'): (200, None),
        ('DELETE', '/plugins/drv:latest'): (200, None),
        ('POST', '/plugins/create'): (200, None),
    })
    assert client.inspect_plugin('drv:latest') == plugin
    with pytest.raises(_client.NotFound):
        client.inspect_plugin('gone:latest')
    assert client.plugin_privileges('example/drv:1') == privileges
    assert 'remote=example%2Fdrv%3A1' in adapter.seen[-1][2]
    list(client.pull_plugin('example/drv:1', privileges, 'drv:latest'))
    assert adapter.seen[-1][:2] == ('POST', '/plugins/pull') and adapter.seen[-1][3] == privileges
    list(client.upgrade_plugin('drv:latest', 'example/drv:2', privileges))
    assert adapter.seen[-1][:2] == ('POST', '/plugins/drv:latest/upgrade')
    client.enable_plugin('drv:latest')
    client.disable_plugin('drv:latest')
    client.configure_plugin('drv:latest', {'LOG_TAG': 'x'})
    assert adapter.seen[-1][1:] == ('/plugins/drv:latest/set', '', ['LOG_TAG=x'])
    client.remove_plugin('drv:latest')
    assert [seen[:2] for seen in adapter.seen[-4:]] == [
        ('POST', '/plugins/drv:latest/enable'), ('POST', '/plugins/drv:latest/disable'),
        ('POST', '/plugins/drv:latest/set'), ('DELETE', '/plugins/drv:latest')]
    archive = tmp_path / 'plugin.tar'
    archive.write_bytes(b'plain tar bytes')
    with open(str(archive), 'rb') as stream:
        client.create_plugin_from_tar('drv:latest', stream)
    assert adapter.seen[-1] == ('POST', '/plugins/create', 'name=drv%3Alatest', b'plain tar bytes')
    folder = tmp_path / 'folder'
    (folder / 'rootfs').mkdir(parents=True)
    (folder / 'config.json').write_text('{}')
    client.create_plugin('drv:latest', str(folder))
    assert adapter.seen[-1][:3] == ('POST', '/plugins/create', 'name=drv%3Alatest')


def test_plugin_create_from_tar_raises_the_engine_refusal(tmp_path):
    client, adapter = client_for({('POST', '/plugins/create'): (500, dict(message='no rootfs'))})
    archive = tmp_path / 'plugin.tar'
    archive.write_bytes(b'x')
    with open(str(archive), 'rb') as stream:
        with pytest.raises(_client.APIError) as refused:
            client.create_plugin_from_tar('drv:latest', stream)
    assert refused.value.explanation == 'no rootfs'


def test_container_calls():
    client, adapter = client_for({
        ('GET', '/images/busybox:1/json'): (200, dict(Id='sha256:1')),
        ('POST', '/images/create'): (200, dict(status='done')),
        ('POST', '/containers/create'): (201, dict(Id='c1')),
        ('POST', '/containers/c1/start'): (204, None),
        ('GET', '/containers/c1/json'): (200, dict(Id='c1', State=dict(Running=True))),
        ('GET', '/containers/json'): (200, [dict(Id='c1')]),
        ('DELETE', '/containers/c1'): (204, None),
    })
    assert client.inspect_image('busybox:1') == dict(Id='sha256:1')
    with pytest.raises(_client.NotFound):
        client.inspect_image('gone:1')
    client.pull_image('busybox', '1')
    assert adapter.seen[-1][:2] == ('POST', '/images/create') and 'fromImage=busybox' in adapter.seen[-1][2]
    assert client.run_container('busybox:1', ['sleep', '60'], 'probe', {'l': 'v'}, 'lan') == dict(Id='c1')
    create = [seen for seen in adapter.seen if seen[1] == '/containers/create'][0]
    assert create[2] == 'name=probe' and create[3]['Image'] == 'busybox:1' and create[3]['Cmd'] == ['sleep', '60']
    assert create[3]['HostConfig']['NetworkMode'] == 'lan' and create[3]['HostConfig']['AutoRemove'] is True
    assert list(create[3]['NetworkingConfig']['EndpointsConfig']) == ['lan'] and create[3]['Labels'] == {'l': 'v'}
    assert adapter.seen[-1][:2] == ('POST', '/containers/c1/start')
    assert client.read_container('c1')['State']['Running']
    assert client.container_summaries(all=True, filters={'label': 'x'}) == [dict(Id='c1')]
    assert 'all=1' in adapter.seen[-1][2] and 'label' in requests.utils.unquote(adapter.seen[-1][2])
    client.remove_container('c1')
    assert adapter.seen[-1][:3] == ('DELETE', '/containers/c1', 'v=False&link=False&force=True')
