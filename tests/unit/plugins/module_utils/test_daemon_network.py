# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The daemon_network run on the shared fake daemon: read, validate, write, restart, verify.

The file is a real one under tmp_path; the running dockerd (its /proc entry) and the commands the
module runs (dockerd --validate, the restart command, ip -j) are given by the test, since the unit
tests run on no Docker host of their own. The daemon_network integration target runs it for real.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_host as daemon_host
from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_network as daemon_network
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, container, docker_network
from ansible_collections.fleetnet.docker.tests.unit.plugins.module_utils.test_engine_apply import FakeModule, ModuleExit


class Module(FakeModule):
    """The engine tests' module with daemon_network's params, and the commands it runs answered from ``commands``."""

    def __init__(self, tmp_path, commands=None, check_mode=False, **params):
        options = dict(config={}, state='merged', config_path=str(tmp_path / 'daemon.json'), restart=False,
                       allow_container_restart=False, restart_command='systemctl restart docker', restart_timeout=2)
        options.update(params)
        super(Module, self).__init__(check_mode=check_mode, diff=True)
        self.params = options
        self.tmpdir = str(tmp_path)
        self.commands = commands or {}
        self.ran = []

    def run_command(self, argv):
        self.ran.append(argv)
        for prefix, answer in self.commands.items():
            if ' '.join(argv).startswith(prefix):
                return answer(argv) if callable(answer) else answer
        raise AssertionError('unexpected command %s' % argv)

    def get_bin_path(self, name, required=False):
        return name

    def atomic_move(self, source, destination):
        os.rename(source, destination)


DOCKERD = daemon_host.DaemonProcess(4242, ['/usr/bin/dockerd', '-H', 'fd://'], 0, '/usr/bin/dockerd')


def daemon(**fields):
    bridge = docker_network('bridge', subnets=['172.17.0.0/16'], options={'com.docker.network.driver.mtu': '1500'})
    return FakeDocker(networks=[bridge], engine_version='28.5.1', api_version='1.51', **fields)


def run(module, fake, process=DOCKERD, monkeypatch=None):
    monkeypatch.setattr(daemon_host, 'find_dockerd', lambda: process)
    with pytest.raises(ModuleExit) as finished:
        run_module(module, daemon_network.run, fake)
    return finished.value


def write(tmp_path, data):
    path = tmp_path / 'daemon.json'
    path.write_text(json.dumps(data))
    os.utime(str(path), (1, 1))  # older than the running daemon
    return path


def test_gathered_reads_the_network_keys_of_the_file(tmp_path, monkeypatch):
    write(tmp_path, {'mtu': 1400, 'log-level': 'warn'})
    finished = run(Module(tmp_path, state='gathered'), daemon(), monkeypatch=monkeypatch)
    assert not finished.failed
    assert finished.result['config'] == {'mtu': 1400} and finished.result['engine_version'] == '28.5.1'
    assert finished.result['restart_needed'] is False


def test_without_a_dockerd_in_this_namespace_the_default_path_is_used_with_a_warning(tmp_path, monkeypatch):
    module = Module(tmp_path, state='gathered')
    finished = run(module, daemon(), process=None, monkeypatch=monkeypatch)
    assert finished.result['config'] == {}
    assert module.warnings[0].startswith('no running dockerd found in the network namespace of ')


def test_merged_in_check_mode_shows_the_diff_and_writes_nothing(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1400, 'log-level': 'warn'})
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, '', '')}, check_mode=True, config={'mtu': 1450})
    finished = run(module, daemon(), monkeypatch=monkeypatch)
    assert finished.result['changed'] and finished.result['changed_keys'] == ['mtu']
    assert '"mtu": 1450' in finished.result['diff']['after'] and json.loads(path.read_text())['mtu'] == 1400


def test_merged_validates_with_dockerd_then_writes_and_keeps_other_keys(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1400, 'log-level': 'warn'})
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, 'configuration OK', '')},
                    config={'mtu': 1450})
    finished = run(module, daemon(), monkeypatch=monkeypatch)
    assert finished.result['changed'] and finished.result['validated'] and finished.result['restart_needed']
    assert json.loads(path.read_text()) == {'mtu': 1450, 'log-level': 'warn'}


def test_a_file_dockerd_refuses_is_not_written(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1400})

    def refuse(argv):
        return 1, '', 'unable to configure the Docker daemon with file %s: bad key' % argv[-1]
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': refuse}, config={'mtu': 1450})
    finished = run(module, daemon(), monkeypatch=monkeypatch)
    assert finished.failed and not finished.result['changed']
    assert finished.result['msg'].endswith('dockerd --validate refuses the new daemon.json: unable to configure the Docker '
                                           'daemon with file the candidate daemon.json: bad key; nothing was changed')
    assert json.loads(path.read_text()) == {'mtu': 1400}


def test_a_restart_that_stops_running_containers_is_refused_before_any_change(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1400})
    fake = daemon(containers=[container('web')])
    finished = run(Module(tmp_path, config={'mtu': 1450}, restart=True), fake, monkeypatch=monkeypatch)
    assert finished.failed and 'restarting dockerd would stop the running container web (live_restore is not on' \
        in finished.result['msg']
    assert json.loads(path.read_text()) == {'mtu': 1400}


def test_restart_and_verify_the_new_settings(tmp_path, monkeypatch):
    write(tmp_path, {'mtu': 1500})
    fake = daemon()
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, '', ''),
                                        'systemctl restart docker': (0, '', '')},
                    config={'mtu': 1400}, restart=True)
    processes = iter([DOCKERD, daemon_host.DaemonProcess(4343, DOCKERD.argv, 10, DOCKERD.executable)])

    def restarted_daemon():
        return next(processes, DOCKERD)
    monkeypatch.setattr(daemon_host, 'find_dockerd', restarted_daemon)
    fake.networks[0]['Options']['com.docker.network.driver.mtu'] = '1400'  # as the new dockerd shows it
    with pytest.raises(ModuleExit) as finished:
        run_module(module, daemon_network.run, fake)
    assert not finished.value.failed and finished.value.result['restarted']
    assert finished.value.result['restart_needed'] is False
    assert ['systemctl', 'restart', 'docker'] in module.ran and 'ping' in fake.call_names()


def test_a_daemon_that_restarts_without_the_settings_fails_naming_them(tmp_path, monkeypatch):
    write(tmp_path, {'mtu': 1500})
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, '', ''),
                                        'systemctl restart docker': (0, '', '')},
                    config={'mtu': 1400}, restart=True)
    processes = iter([DOCKERD, daemon_host.DaemonProcess(4343, DOCKERD.argv, 10, DOCKERD.executable)])
    monkeypatch.setattr(daemon_host, 'find_dockerd', lambda: next(processes, DOCKERD))
    with pytest.raises(ModuleExit) as finished:
        run_module(module, daemon_network.run, daemon())
    assert finished.value.failed and finished.value.result['changed']
    assert 'dockerd restarted with the new ' in finished.value.result['msg']
    assert 'com.docker.network.driver.mtu=1500, not 1400' in finished.value.result['msg']


def test_a_restart_that_fails_puts_the_previous_file_back(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1500})
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, '', ''),
                                        'systemctl restart docker': (1, '', 'Job for docker.service failed')},
                    config={'mtu': 1400}, restart=True, restart_timeout=0)
    finished = run(module, daemon(), monkeypatch=monkeypatch)
    assert finished.failed and finished.result['changed']
    assert 'dockerd did not come back after the restart: the restart command "systemctl restart docker" exited with 1: ' \
        'Job for docker.service failed; the previous ' in finished.result['msg']
    assert json.loads(path.read_text()) == {'mtu': 1500}
    # What was done, in order: the new file, the restart that failed, the old file back and its restart.
    assert [action['action'] for action in finished.result['actions']] == ['written', 'restarted', 'put back', 'restarted']
    assert finished.result['config_path'] == str(path) and finished.result['changed_keys'] == ['mtu']


def test_a_daemon_that_cannot_be_read_after_the_restart_reports_the_change(tmp_path, monkeypatch):
    path = write(tmp_path, {'mtu': 1500})
    module = Module(tmp_path, commands={'/usr/bin/dockerd --validate': (0, '', ''),
                                        'systemctl restart docker': (0, '', '')},
                    config={'mtu': 1400}, restart=True)
    processes = iter([DOCKERD, daemon_host.DaemonProcess(4343, DOCKERD.argv, 10, DOCKERD.executable)])
    monkeypatch.setattr(daemon_host, 'find_dockerd', lambda: next(processes, DOCKERD))
    fake = daemon()
    # The first GET /info is the check before any change; the second verifies the restarted daemon.
    reads = []
    fake.fail('read_info', 'connection reset', when=lambda: reads.append(1) or len(reads) == 2)
    with pytest.raises(ModuleExit) as finished:
        run_module(module, daemon_network.run, fake)
    assert finished.value.failed and finished.value.result['changed'] is True
    assert finished.value.result['msg'].endswith('failed: connection reset')
    assert [action['action'] for action in finished.value.result['actions']] == ['written', 'restarted']
    assert json.loads(path.read_text()) == {'mtu': 1400}
