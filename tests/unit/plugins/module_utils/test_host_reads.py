# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared ways modules read the host: ``ip -j`` output and probes in a throwaway namespace."""

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _host_reads
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class FakeModule:
    """Answers run_command with a fixed (rc, out, err) and records the commands."""

    def __init__(self, rc=0, out='', err='', binaries=('ip', 'unshare')):
        self.answer = (rc, out, err)
        self.binaries = binaries
        self.commands = []

    def get_bin_path(self, name, required=False):
        return '/usr/bin/%s' % name if name in self.binaries else None

    def run_command(self, command):
        self.commands.append(command)
        return self.answer


def test_ip_json_runs_ip_with_json_output_and_parses_it():
    module = FakeModule(out='[{"ifname": "eth0"}]')
    assert _host_reads.ip_json(module, 'link', 'show') == [{'ifname': 'eth0'}]
    assert module.commands == [['/usr/bin/ip', '-j', 'link', 'show']]


def test_ip_json_failure_names_the_command_and_the_reason():
    with pytest.raises(ModuleFailure) as failure:
        _host_reads.ip_json(FakeModule(rc=1, err='Error: unknown object\n'), '-6', 'route', 'show')
    assert str(failure.value).startswith('reading host interfaces with "ip -j -6 route show" on ')
    assert str(failure.value).endswith(' failed: Error: unknown object')


def test_ip_json_without_json_output_says_what_is_needed():
    with pytest.raises(ModuleFailure) as failure:
        _host_reads.ip_json(FakeModule(out='1: lo: <LOOPBACK>'), 'link', 'show')
    assert 'iproute2 with JSON output (-j) is needed' in str(failure.value)


def test_probe_runs_in_a_new_network_namespace():
    module = FakeModule()
    assert _host_reads.throwaway_namespace_problem(module, ['/usr/bin/ip', 'link', 'show']) is None
    assert module.commands == [['/usr/bin/unshare', '--net', '/usr/bin/ip', 'link', 'show']]


def test_probe_reports_what_the_kernel_said():
    module = FakeModule(rc=2, err='Error: Unknown device type.\n')
    assert _host_reads.throwaway_namespace_problem(module, ['ip']) == 'Error: Unknown device type.'
    assert _host_reads.throwaway_namespace_problem(FakeModule(rc=3), ['ip']) == 'the probe exited with 3'


def test_probe_that_cannot_tell_reports_nothing():
    not_root = FakeModule(rc=1, err='unshare: unshare failed: Operation not permitted')
    assert _host_reads.throwaway_namespace_problem(not_root, ['ip']) is None
    no_unshare = FakeModule(rc=1, err='boom', binaries=('ip',))
    assert _host_reads.throwaway_namespace_problem(no_unshare, ['ip']) is None
    assert no_unshare.commands == []
