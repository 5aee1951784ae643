# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts of _client.py that need no daemon: messages, version gates, argspec merging."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _client


class ModuleFailed(Exception):
    def __init__(self, result):
        super(ModuleFailed, self).__init__(result.get('msg'))
        self.result = result


class FakeModule:
    """Just enough of AnsibleModule: parameters, and a fail_json that stops like the real one."""

    def __init__(self, **params):
        self.params = params

    def fail_json(self, **result):
        raise ModuleFailed(result)


def client_speaking(api_version, docker_host='unix:///var/run/docker.sock'):
    # Skip __init__: it connects to a daemon, and the gate under test only needs these fields.
    client = _client.DockerClient.__new__(_client.DockerClient)
    client.module = FakeModule()
    client.raise_errors = False
    client.host = 'h2'
    client.docker_host = docker_host
    client.api_version = api_version
    return client


def test_require_api_passes_when_the_daemon_is_new_enough():
    client = client_speaking('1.45')
    client.require_api('gw_priority', '1.45')
    client.require_api('ipam.options', '1.41')


def test_require_api_message_names_option_versions_and_host():
    client = client_speaking('1.41')
    with pytest.raises(ModuleFailed) as failure:
        client.require_api('enable_ipv4', '1.47')
    assert failure.value.result['msg'] == (
        'h2: option "enable_ipv4" needs Docker Engine API 1.47 or newer; '
        'the daemon at unix:///var/run/docker.sock speaks 1.41')


def test_require_api_message_names_the_network():
    client = client_speaking('1.41', docker_host='tcp://10.0.0.1:2376')
    with pytest.raises(ModuleFailed) as failure:
        client.require_api('enable_ipv4', '1.47', network='lan')
    message = failure.value.result['msg']
    assert message.startswith('network "lan" on h2: option "enable_ipv4" needs Docker Engine API 1.47')
    assert 'tcp://10.0.0.1:2376 speaks 1.41' in message


def test_api_versions_compare_numerically_not_as_text():
    # "1.9" < "1.41" as numbers, but not as strings.
    assert client_speaking('1.41').api_at_least('1.9')
    assert not client_speaking('1.9').api_at_least('1.41')


def test_missing_sdk_names_the_package_and_the_interpreter(monkeypatch):
    monkeypatch.setattr(_client, 'HAS_DOCKER_SDK', False)
    monkeypatch.setattr(_client, 'DOCKER_SDK_IMPORT_ERROR', 'ImportError: No module named docker')
    with pytest.raises(ModuleFailed) as failure:
        _client.DockerClient(FakeModule(docker_host=None))
    message = failure.value.result['msg']
    assert '"docker"' in message
    assert sys.executable in message
    assert failure.value.result['exception'] == 'ImportError: No module named docker'


def test_connection_argspec_adds_module_options_without_changing_the_shared_one():
    spec = _client.connection_argspec(names=dict(type='list', elements='str'))
    assert spec['names'] == dict(type='list', elements='str')
    assert 'docker_host' in spec and 'timeout' in spec
    assert 'names' not in _client.CONNECTION_ARGSPEC


class ExplainedError(Exception):
    def __init__(self, explanation):
        super(ExplainedError, self).__init__('500 Server Error: Internal Server Error')
        self.explanation = explanation


def test_reason_prefers_the_daemon_explanation():
    assert _client._reason(ExplainedError('network with name lan already exists')) == \
        'network with name lan already exists'


def test_reason_decodes_a_bytes_explanation():
    assert _client._reason(ExplainedError(b'invalid pool request')) == 'invalid pool request'


def test_reason_falls_back_to_the_class_name_for_an_empty_error():
    assert _client._reason(RuntimeError()) == 'RuntimeError'


def test_reason_keeps_an_ordinary_message():
    assert _client._reason(ValueError('bad value')) == 'bad value'


def _sdk_error_caused_by(os_error):
    # The SDK raises its DockerException while handling the connection error, so the operating
    # system's error stays reachable through __context__, as with docker 7.x and requests 2.32.
    try:
        try:
            raise os_error
        except OSError as exc:
            raise _client.DockerException('Error while fetching server API version: %s' % exc)
    except _client.DockerException as wrapped:
        return wrapped


def test_reason_for_a_missing_socket_is_the_os_error():
    error = _sdk_error_caused_by(FileNotFoundError(2, 'No such file or directory'))
    assert _client._reason(error) == 'No such file or directory'


def test_reason_for_a_refused_tcp_connection_is_the_os_error():
    error = _sdk_error_caused_by(ConnectionRefusedError(111, 'Connection refused'))
    assert _client._reason(error) == 'Connection refused'


class FakeResponse:
    reason = 'Conflict'
    url = 'http+docker://localhost/v1.45/networks/create'

    def __init__(self, status_code):
        self.status_code = status_code


def api_error(explanation, status_code=409):
    """docker.errors.APIError as the SDK raises it, with Docker's message as the explanation."""
    return _client.APIError('%d Client Error' % status_code, response=FakeResponse(status_code), explanation=explanation)


def raising(exc):
    def method(*args, **kwargs):
        raise exc
    return method


def test_request_keeps_an_api_error_an_api_error_with_dockers_message():
    client = client_speaking('1.45')
    with pytest.raises(_client.DockerAPIError) as failure:
        client.request('creating network "lan"', raising(api_error('network with name lan already exists')))
    assert str(failure.value) == 'creating network "lan" on h2 failed: network with name lan already exists'
    assert failure.value.explanation == 'network with name lan already exists'
    assert failure.value.status_code == 409


@pytest.mark.parametrize('error', [
    ConnectionRefusedError(111, 'Connection refused'),
    ConnectionResetError(104, 'Connection reset by peer'),
    FileNotFoundError(2, 'No such file or directory'),
    TimeoutError('timed out'),
])
def test_request_reports_only_connection_failures_as_cannot_reach(error):
    client = client_speaking('1.45')
    with pytest.raises(_client.DockerUnreachable) as failure:
        client.request('listing networks', raising(error))
    assert str(failure.value).startswith('cannot reach the Docker daemon at unix:///var/run/docker.sock: ')


def test_request_reports_a_requests_connection_error_as_cannot_reach():
    requests = pytest.importorskip('requests')
    client = client_speaking('1.45')
    with pytest.raises(_client.DockerUnreachable):
        client.request('listing networks', raising(requests.exceptions.ConnectionError('connection aborted')))
    with pytest.raises(_client.DockerUnreachable):
        client.request('listing networks', raising(requests.exceptions.ReadTimeout('read timed out')))


def test_request_lets_a_programming_error_surface_as_itself():
    client = client_speaking('1.45')
    with pytest.raises(TypeError):
        client.request('connecting container', raising(TypeError("got an unexpected keyword argument 'driver_opts'")))


def test_legacy_call_fails_the_module_with_the_same_message():
    client = client_speaking('1.45')
    with pytest.raises(ModuleFailed) as failure:
        client.call('removing network "lan"', raising(api_error('network lan has active endpoints', 403)))
    assert failure.value.result['msg'] == 'removing network "lan" on h2 failed: network lan has active endpoints'
    assert failure.value.result['changed'] is False


def test_inspect_network_of_a_missing_network_is_none():
    client = client_speaking('1.45')

    class Api:
        def inspect_network(self, network_id):
            raise api_error('network %s not found' % network_id, 404)
    client.api = Api()
    assert client.inspect_network('abc') is None
