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
        body = json.loads(request.body) if request.body else None
        self.seen.append((request.method, '/' + path, request.path_url.partition('?')[2], body))
        status, answer = self.routes.get((request.method, '/' + path), (404, dict(message='page not found')))
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(answer).encode()
        response.headers['Content-Type'] = 'application/json'
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def client_for(routes, refuse=False, api_version='1.44'):
    client = _client.DockerClient.__new__(_client.DockerClient)
    client.module = None
    client.raise_errors = True
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
