# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts of _client.py that need no daemon: messages, version gates, argspec merging."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _client, _client_errors
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class FakeModule:
    """Just enough of AnsibleModule: parameters (the client raises; it never ends the module itself)."""

    def __init__(self, **params):
        self.params = params


def client_speaking(api_version, docker_host='unix:///var/run/docker.sock'):
    # Skip __init__: it connects to a daemon, and the gate under test only needs these fields.
    client = _client.DockerClient.__new__(_client.DockerClient)
    client.module = FakeModule()
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
    with pytest.raises(ModuleFailure) as failure:
        client.require_api('enable_ipv4', '1.47')
    assert failure.value.result()['msg'] == (
        'h2: option "enable_ipv4" needs Docker Engine API 1.47 or newer; '
        'the daemon at unix:///var/run/docker.sock speaks 1.41')


def test_require_api_message_names_the_network():
    client = client_speaking('1.41', docker_host='tcp://10.0.0.1:2376')
    with pytest.raises(ModuleFailure) as failure:
        client.require_api('enable_ipv4', '1.47', network='lan')
    message = failure.value.result()['msg']
    assert message.startswith('network "lan" on h2: option "enable_ipv4" needs Docker Engine API 1.47')
    assert 'tcp://10.0.0.1:2376 speaks 1.41' in message


def test_api_versions_compare_numerically_not_as_text():
    # "1.9" < "1.41" as numbers, but not as strings.
    assert client_speaking('1.41').api_at_least('1.9')
    assert not client_speaking('1.9').api_at_least('1.41')


def test_missing_sdk_names_the_package_and_the_interpreter(monkeypatch):
    monkeypatch.setattr(_client, 'HAS_DOCKER_SDK', False)
    monkeypatch.setattr(_client, 'DOCKER_SDK_IMPORT_ERROR', 'ImportError: No module named docker')
    with pytest.raises(ModuleFailure) as failure:
        _client.DockerClient(FakeModule(docker_host=None))
    message = failure.value.result()['msg']
    assert '"docker"' in message
    assert sys.executable in message
    assert failure.value.result()['exception'] == 'ImportError: No module named docker'


def test_connection_argspec_adds_module_options_without_changing_the_shared_one():
    spec = _client.connection_argspec(names=dict(type='list', elements='str'))
    assert spec['names'] == dict(type='list', elements='str')
    assert 'docker_host' in spec and 'timeout' in spec
    assert 'names' not in _client.CONNECTION_ARGSPEC


@pytest.mark.parametrize('option', [dict(timeout=dict(type='int')), dict(restart=dict(type='int', aliases=['docker_url']))])
def test_connection_argspec_refuses_a_module_option_that_takes_a_connection_name(option):
    with pytest.raises(ValueError) as refused:
        _client.connection_argspec(**option)
    assert 'are connection options' in str(refused.value)


class ExplainedError(Exception):
    def __init__(self, explanation):
        super(ExplainedError, self).__init__('500 Server Error: Internal Server Error')
        self.explanation = explanation


def test_reason_prefers_the_daemon_explanation():
    assert _client_errors.reason(ExplainedError('network with name lan already exists')) == \
        'network with name lan already exists'


def test_reason_decodes_a_bytes_explanation():
    assert _client_errors.reason(ExplainedError(b'invalid pool request')) == 'invalid pool request'


def test_reason_falls_back_to_the_class_name_for_an_empty_error():
    assert _client_errors.reason(RuntimeError()) == 'RuntimeError'


def test_reason_keeps_an_ordinary_message():
    assert _client_errors.reason(ValueError('bad value')) == 'bad value'


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
    assert _client_errors.reason(error) == 'No such file or directory'


def test_reason_for_a_refused_tcp_connection_is_the_os_error():
    error = _sdk_error_caused_by(ConnectionRefusedError(111, 'Connection refused'))
    assert _client_errors.reason(error) == 'Connection refused'


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


def test_legacy_call_raises_the_same_message():
    client = client_speaking('1.45')
    with pytest.raises(ModuleFailure) as failure:
        client.call('removing network "lan"', raising(api_error('network lan has active endpoints', 403)))
    assert failure.value.result()['msg'] == 'removing network "lan" on h2 failed: network lan has active endpoints'
    assert failure.value.result()['changed'] is False


def test_inspect_network_of_a_missing_network_is_none():
    client = client_speaking('1.45')

    class Api:
        def inspect_network(self, network_id):
            raise api_error('network %s not found' % network_id, 404)
    client.api = Api()
    assert client.inspect_network('abc') is None


# ---------------------------------------------------------------- connection options and SDK versions

def validated(monkeypatch, environment, **params):
    """The connection options as AnsibleModule would see them, with this managed-node environment."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    for name in ('DOCKER_HOST', 'DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS_HOSTNAME',
                 'DOCKER_API_VERSION', 'DOCKER_TIMEOUT'):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(_client.CONNECTION_ARGSPEC).validate(params)
    assert result.error_messages == []
    return result.validated_parameters


def test_the_environment_variables_of_community_docker_fill_unset_options(monkeypatch):
    params = validated(monkeypatch, {'DOCKER_HOST': 'tcp://10.0.0.11:2376', 'DOCKER_TLS': '1', 'DOCKER_TLS_VERIFY': 'yes',
                                     'DOCKER_TLS_HOSTNAME': 'dockerd.example', 'DOCKER_API_VERSION': '1.41',
                                     'DOCKER_TIMEOUT': '30'})
    assert params['docker_host'] == 'tcp://10.0.0.11:2376'
    assert params['tls'] is True and params['validate_certs'] is True
    assert params['tls_hostname'] == 'dockerd.example'
    assert params['api_version'] == '1.41' and params['timeout'] == 30


def test_an_option_given_wins_over_the_environment(monkeypatch):
    params = validated(monkeypatch, {'DOCKER_HOST': 'tcp://10.0.0.11:2376', 'DOCKER_TLS_VERIFY': '1'},
                       docker_host='unix:///run/docker.sock', validate_certs=False)
    assert params['docker_host'] == 'unix:///run/docker.sock' and params['validate_certs'] is False


def test_without_options_or_environment_the_defaults_apply(monkeypatch):
    params = validated(monkeypatch, {})
    assert params['docker_host'] == 'unix:///var/run/docker.sock'
    assert (params['tls'], params['validate_certs'], params['api_version'], params['timeout']) == (False, False, 'auto', 60)
    assert params['tls_hostname'] is None


def test_the_certificate_folder_gives_the_three_files(monkeypatch):
    monkeypatch.setenv('DOCKER_CERT_PATH', '/etc/docker-client')
    assert _client._cert_path_file('ca.pem') == '/etc/docker-client/ca.pem'
    monkeypatch.delenv('DOCKER_CERT_PATH')
    assert _client._cert_path_file('ca.pem') is None


def test_each_connection_option_has_its_inventory_variable():
    from ansible_collections.fleetnet.docker.plugins.filter.docker_connection import OPTIONS
    assert sorted(OPTIONS) == sorted(_client.CONNECTION_ARGSPEC)


@pytest.mark.parametrize('sdk, requests_version, urllib3_version, problem', [
    ('5.0.3', '2.28.1', '1.26.12', None),                    # Debian 12
    ('7.1.0', '2.32.3', '2.3.0', None),                      # Debian 13
    ('5.0.2', '2.28.1', '1.26.12', 'needs 5.0.3 or newer'),
    ('5.0.3', '2.32.0', '1.26.12', 'requests 2.32.0'),
    ('7.0.0', '2.32.3', '2.0.7', 'SDK 7.1 or newer'),
    ('6.0.1', '2.31.0', '2.0.7', 'urllib3 2.0.7'),
    ('6.1.3', '2.31.0', '2.0.7', None),
])
def test_sdk_versions_that_cannot_work_are_named(sdk, requests_version, urllib3_version, problem):
    found = _client.sdk_compatibility_problem(sdk, requests_version, urllib3_version)
    if problem is None:
        assert found is None
    else:
        assert problem in found and sdk in found


def test_accepts_parameter_reads_the_signature():
    def connect(container, net_id, ipv4_address=None, driver_opt=None):
        pass
    assert _client.accepts_parameter(connect, 'driver_opt')
    assert not _client.accepts_parameter(connect, 'mac_address')


def test_the_hostname_adapter_sets_the_name_every_https_pool_checks():
    adapter = _client.HostnameAdapter('dockerd-h1.fleet.test')
    assert adapter.poolmanager.connection_pool_kw['assert_hostname'] == 'dockerd-h1.fleet.test'


def test_one_minimum_sdk_version_everywhere_it_is_written():
    import os
    import re
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')
    wanted = 'docker>=%s' % _client.MINIMUM_SDK_VERSION
    for path in ('requirements.txt', 'meta/ee-requirements.txt', 'roles/prerequisites/defaults/main.yml'):
        with open(os.path.join(root, path)) as handle:
            assert wanted in handle.read(), path
    with open(os.path.join(root, 'roles/prerequisites/defaults/main.yml')) as handle:
        assert re.search(r'prerequisites_docker_sdk_minimum: "%s"' % re.escape(_client.MINIMUM_SDK_VERSION), handle.read())


@pytest.mark.parametrize('name', ['bridge_networks', 'ipvlan_networks', 'macvlan_networks', 'overlay_networks',
                                  'plugin_networks', 'swarm', 'network_plugins'])
def test_every_module_argspec_keeps_the_connection_options(name):
    # The guard above raises while the argspec is built: each module's own options are built here.
    import importlib
    module = importlib.import_module('ansible_collections.fleetnet.docker.plugins.modules.' + name)
    if hasattr(module, 'DRIVER'):
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec
        spec = network_module_argspec(module.DRIVER)
    else:
        spec = module.argument_spec()
    assert spec['timeout'] == _client.CONNECTION_ARGSPEC['timeout']
