# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one bridge_networks run at 100 networks costs, counted: Engine API calls and subprocesses.

Issue 16: a no-op makes one network listing and starts nothing; a first converge makes the creates a
direct client would, reads the host once (for overlaps) and the result back once. A change that adds
a call or a subprocess per network fails here. The daemon is the shared fake (fake_docker.py); the
last test counts the HTTP requests DockerClient itself sends to a daemon's socket.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _client, _ipam, _journal
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.bridge import BridgeDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine import runner
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, docker_network

NETWORKS = 100


class Exited(Exception):
    def __init__(self, failed, result):
        super(Exited, self).__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class CountingModule:
    """AnsibleModule as the runner uses it, recording every command it is asked to run."""

    def __init__(self, **params):
        self.params = dict(state='merged', recreate='auto', config=None, timeout=60)
        self.params.update(params)
        self.check_mode = False
        self._diff = False
        self.commands = []

    def warn(self, text):
        pass

    def get_bin_path(self, name, required=False):
        return '/usr/sbin/' + name

    def run_command(self, argv):
        self.commands.append(argv)
        return 0, '[]', ''

    def exit_json(self, **result):
        raise Exited(False, result)

    def fail_json(self, **result):
        raise Exited(True, result)


def configs(count=NETWORKS):
    return [dict(name='app-%03d' % index, subnets=[dict(subnet='10.96.%d.0/24' % index)]) for index in range(count)]


def existing(count=NETWORKS):
    predefined = [docker_network('none', driver='null'), docker_network('host', driver='host'),
                  docker_network('bridge', ['172.17.0.0/16'], gateway='172.17.0.1')]
    return predefined + [docker_network(config['name'], [config['subnets'][0]['subnet']]) for config in configs(count)]


def run(daemon, module):
    with pytest.raises(Exited) as outcome:
        run_module(module, runner.run_state, BridgeDriver(module), lambda module: daemon)
    assert not outcome.value.failed, outcome.value.result
    return outcome.value.result


@pytest.fixture(autouse=True)
def journal_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(_journal, 'JOURNAL_ROOT', str(tmp_path))


def test_a_no_op_at_100_networks_lists_networks_once_and_runs_nothing():
    daemon = FakeDocker(networks=existing())
    module = CountingModule(config=configs())
    result = run(daemon, module)
    assert result['changed'] is False and len(result['actions']) == NETWORKS
    assert daemon.call_names() == ['list_networks']
    assert module.commands == []
    # As in netcommon's resource modules: no ``after`` repeating ``before`` (half of a no-op's result).
    assert 'after' not in result and len(result['before']) == NETWORKS


def test_a_no_op_at_100_networks_parses_each_subnet_once(monkeypatch):
    # Validation, canonical forms, Docker's gateway and the comparison all read the same texts.
    parsed = []
    real = ipaddress.ip_network
    monkeypatch.setattr(ipaddress, 'ip_network', lambda *args, **kwargs: parsed.append(args[0]) or real(*args, **kwargs))
    # Empty caches, as in a module run (each is a process of its own).
    monkeypatch.setattr(_ipam, '_STRICT', {})
    monkeypatch.setattr(_ipam, '_LOOSE', {})
    run(FakeDocker(networks=existing()), CountingModule(config=configs()))
    assert len(parsed) == len(set(parsed)) == NETWORKS


def test_a_first_converge_at_100_networks_creates_reads_the_host_once_and_lists_once_more():
    daemon = FakeDocker(networks=existing(0))
    module = CountingModule(config=configs())
    result = run(daemon, module)
    assert result['changed'] is True and len(result['after']) == NETWORKS
    assert daemon.call_names() == ['list_networks'] + ['create_network'] * NETWORKS + ['list_networks']
    # The host's addresses and routes (ip -j addr, -4 route, -6 route), for the overlap check.
    assert len(module.commands) == 3


class EngineOnASocket(threading.Thread):
    """A daemon answering GET /version and GET /networks on a Unix socket, recording each request line."""

    def __init__(self, path, networks):
        super(EngineOnASocket, self).__init__(daemon=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(4)
        self.networks = networks
        self.requests = []

    def run(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            with connection, connection.makefile('rb') as incoming:
                self.serve(connection, incoming)

    def serve(self, connection, incoming):
        """Answer the requests of one connection until the client closes it."""
        while True:
            line = incoming.readline().decode()
            if not line:
                break
            while incoming.readline() not in (b'\r\n', b''):
                pass  # headers; these requests have no body
            method, target = line.split()[:2]
            self.requests.append((method, target))
            if target == '/version':
                body = dict(Version='20.10.24', ApiVersion='1.41')
            elif target == '/v1.41/networks':
                body = self.networks
            else:
                body = dict(message='page not found')
            data = json.dumps(body).encode()
            if 'message' in body:
                connection.sendall(b'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n'
                                   b'Content-Length: %d\r\n\r\n%s' % (len(data), data))
                continue
            # In two chunks, as dockerd sends a long answer.
            half = len(data) // 2
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked'
                               b'\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n'
                               % (half, data[:half], len(data) - half, data[half:]))


def test_the_client_sends_a_no_op_as_two_requests_on_one_connection_without_the_sdk(tmp_path):
    path = os.path.join(str(tmp_path), 'docker.sock')
    engine = EngineOnASocket(path, existing())
    engine.start()
    module = CountingModule(config=configs(), docker_host='unix://' + path, tls=False, validate_certs=False,
                            api_version='auto')
    client = _client.DockerClient(module, local_socket=True)
    result = run(client, module)
    engine.listener.close()
    assert result['changed'] is False
    assert engine.requests == [('GET', '/version'), ('GET', '/v1.41/networks')]
    assert module.commands == []
    # The local socket needs no SDK: importing it (requests, urllib3) costs more than the run.
    assert client._api is None


def test_the_local_socket_reports_dockers_refusal_and_a_missing_daemon_as_the_sdk_does(tmp_path):
    path = os.path.join(str(tmp_path), 'docker.sock')
    engine = EngineOnASocket(path, [])
    engine.start()
    module = CountingModule(docker_host='unix://' + path, tls=False, validate_certs=False, api_version='auto')
    client = _client.DockerClient(module, local_socket=True)
    assert client.inspect_network('0123456789abcdef') is None
    with pytest.raises(_client.DockerAPIError) as refused:
        client.list_plugins()
    assert str(refused.value) == 'listing plugins on %s failed: page not found' % client.host
    assert refused.value.status_code == 404
    engine.listener.close()
    module = CountingModule(docker_host='unix://' + os.path.join(str(tmp_path), 'none.sock'), tls=False,
                            validate_certs=False, api_version='auto')
    with pytest.raises(_client.DockerUnreachable) as unreachable:
        _client.DockerClient(module, local_socket=True)
    assert str(unreachable.value) == ('cannot reach the Docker daemon at unix://%s/none.sock: No such file or directory'
                                      % tmp_path)


class EngineClosingIdleConnections(EngineOnASocket):
    """As EngineOnASocket, but it closes each connection after one answer without saying so (a daemon
    that restarted, or dropped an idle keep-alive connection), and fails one request mid-answer when told."""

    def __init__(self, path, networks, cut_mid_answer=False):
        super(EngineClosingIdleConnections, self).__init__(path, networks)
        self.cut_mid_answer = cut_mid_answer

    def serve(self, connection, incoming):
        """Answer one request, then close the connection."""
        line = incoming.readline().decode()
        while incoming.readline() not in (b'\r\n', b''):
            pass
        self.requests.append(tuple(line.split()[:2]))
        body = dict(Version='20.10.24', ApiVersion='1.41') if line.split()[1] == '/version' else self.networks
        data = json.dumps(body).encode()
        if self.cut_mid_answer and len(self.requests) > 1:
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' % (len(data), data[:3]))
        else:
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' % (len(data), data))


def test_a_kept_alive_connection_the_daemon_closed_is_opened_again_once(tmp_path):
    path = os.path.join(str(tmp_path), 'docker.sock')
    engine = EngineClosingIdleConnections(path, existing())
    engine.start()
    module = CountingModule(docker_host='unix://' + path, tls=False, validate_certs=False, api_version='auto')
    client = _client.DockerClient(module, local_socket=True)
    assert client.list_networks() == existing()
    assert client.list_networks() == existing()
    engine.listener.close()
    # Each request reached the daemon once: a request is sent again only when no answer had begun.
    assert engine.requests == [('GET', '/version'), ('GET', '/v1.41/networks'), ('GET', '/v1.41/networks')]


def test_an_answer_cut_off_midway_is_not_sent_again(tmp_path):
    path = os.path.join(str(tmp_path), 'docker.sock')
    engine = EngineClosingIdleConnections(path, existing(), cut_mid_answer=True)
    engine.start()
    module = CountingModule(docker_host='unix://' + path, tls=False, validate_certs=False, api_version='auto')
    client = _client.DockerClient(module, local_socket=True)
    with pytest.raises(_client.DockerUnreachable):
        client.list_networks()
    engine.listener.close()
    assert engine.requests == [('GET', '/version'), ('GET', '/v1.41/networks')]


# Run in a fresh interpreter: which of the collection's files a run imports, so which the managed node
# compiles (AnsiballZ ships them as source). The apply-only ones are for runs that change something.
IMPORTS_OF_A_RUN = r'''
import json, sys
from ansible_collections.fleetnet.docker.plugins.module_utils import _journal
from ansible_collections.fleetnet.docker.plugins.modules import bridge_networks
from ansible_collections.fleetnet.docker.plugins.module_utils._engine import runner
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.tests.unit.plugins.module_utils import test_run_cost as cost
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker
_journal.JOURNAL_ROOT = sys.argv[2]
daemon = FakeDocker(networks=cost.existing(0 if sys.argv[1] == 'converge' else cost.NETWORKS))
configs = cost.configs()
if sys.argv[1] == 'no-op-with-containers':
    configs = [dict(config, containers=[]) for config in configs]
module = cost.CountingModule(config=configs)
try:
    run_module(module, runner.run_state, bridge_networks.DRIVER(module), lambda module: daemon)
except cost.Exited as exited:
    assert not exited.failed, exited.result
print(json.dumps(sorted(name.rsplit('.', 1)[-1] for name in sys.modules
                        if name.startswith('ansible_collections.fleetnet.docker.plugins'))))
'''
APPLY_ONLY = ['apply', 'recreate', 'render', 'interfaces', '_host_reads', 'overlaps']
# Only for a config that lists containers (or a recreate, which reads the endpoints).
CONTAINERS_ONLY = ['attachments', 'endpoint_options']


def imported_by_a_run(kind, tmp_path):
    done = subprocess.run([sys.executable, '-c', IMPORTS_OF_A_RUN, kind, str(tmp_path)], capture_output=True, text=True,
                          check=False, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_no_op_imports_none_of_the_files_that_apply_a_change(tmp_path):
    assert [name for name in APPLY_ONLY + CONTAINERS_ONLY if name in imported_by_a_run('no-op', tmp_path)] == []


def test_a_no_op_that_lists_containers_imports_the_attachment_rules_only(tmp_path):
    imported = imported_by_a_run('no-op-with-containers', tmp_path)
    assert [name for name in APPLY_ONLY + CONTAINERS_ONLY if name in imported] == CONTAINERS_ONLY


def test_a_first_converge_imports_what_applies_it(tmp_path):
    # The same check, seen to find them when a run needs them.
    imported = imported_by_a_run('converge', tmp_path)
    assert [name for name in APPLY_ONLY if name in imported] == APPLY_ONLY
