# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host side of daemon_network: `dockerd --validate` with a real dockerd, this process's own /proc."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import subprocess
import sys
import tempfile
import time

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_host
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import engine_at_least


def _dockerd_with_validate():
    """A dockerd of Engine 23.0+ on this machine (the fleet's engine cache, or PATH), else None."""
    candidates = sorted(glob.glob('/var/cache/fleetnet-sandbox/engines/*/bin/dockerd')) + ['/usr/sbin/dockerd', '/usr/bin/dockerd']
    for path in candidates:
        if not os.access(path, os.X_OK):
            continue
        try:
            version = subprocess.run([path, '--version'], capture_output=True, text=True, timeout=20, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        words = version.replace(',', ' ').split()
        if len(words) > 2 and engine_at_least(words[2], '23.0'):
            return path
    return None


class RunningModule:
    """run_command runs the command for real; tmpdir is a real folder."""

    def __init__(self):
        self.tmpdir = tempfile.mkdtemp()

    def run_command(self, command):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        return done.returncode, done.stdout, done.stderr


DOCKERD = _dockerd_with_validate()


@pytest.mark.skipif(DOCKERD is None, reason='no dockerd of Engine 23.0+ (with --validate) on this machine')
def test_dockerd_validate_accepts_a_good_file_and_names_an_unknown_key():
    module = RunningModule()
    assert _daemon_host.validate_with_dockerd(module, DOCKERD, '{"bip": "10.1.0.1/24", "mtu": 1400}\n') is None
    refusal = _daemon_host.validate_with_dockerd(module, DOCKERD, '{"bip": "10.1.0.1/24", "bogus-key": 1}\n')
    assert 'bogus-key' in refusal
    assert 'the candidate daemon.json' in refusal
    assert os.listdir(module.tmpdir) == []


def test_this_process_is_read_from_proc():
    process = _daemon_host._process(os.getpid())
    assert process.pid == os.getpid()
    assert process.executable == os.path.realpath(sys.executable)
    assert 'pytest' in ' '.join(process.argv)
    # Started before now, and not before the machine booted.
    assert _daemon_host._boot_time() <= process.started <= time.time()


def test_a_file_written_after_the_daemon_started_needs_a_restart(tmp_path):
    path = tmp_path / 'daemon.json'
    path.write_text('{}')
    started_long_ago = _daemon_host.DaemonProcess(1, ['dockerd'], os.stat(str(path)).st_mtime - 60, '/usr/sbin/dockerd')
    started_after = _daemon_host.DaemonProcess(1, ['dockerd'], os.stat(str(path)).st_mtime + 5, '/usr/sbin/dockerd')
    assert _daemon_host.modified_after_start(str(path), started_long_ago)
    assert not _daemon_host.modified_after_start(str(path), started_after)
    assert not _daemon_host.modified_after_start(str(tmp_path / 'missing.json'), started_long_ago)
