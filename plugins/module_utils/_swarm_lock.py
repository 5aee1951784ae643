# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lock that keeps two swarm runs against one Docker daemon from breaking each other's join,
and the failure type of those runs.

Private to this collection; used by _swarm_runner.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import hashlib
import os
import tempfile
import time

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class SwarmFailure(ModuleFailure):
    """A failure with a message that is safe to show: no token, no key. The message names the host first."""

    def lines(self):
        return ['%s: %s' % (self.host, self.message)]


# How long a run waits for another run's membership change on the same host.
LOCK_SECONDS = 300


def lock_path(docker_host):
    """The lock file of one Docker daemon, in the managed node's own /run when it can write there."""
    folder = '/run' if os.access('/run', os.W_OK) else tempfile.gettempdir()
    digest = hashlib.sha256(docker_host.encode('utf-8')).hexdigest()[:16]
    return os.path.join(folder, 'fleetnet-docker-swarm-%s.lock' % digest)


class HostLock:
    """Exclusive hold of a daemon's swarm membership for the length of a `with` block."""

    def __init__(self, path, seconds=LOCK_SECONDS, sleep=time.sleep):
        self.path, self.seconds, self.sleep = path, seconds, sleep
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.seconds
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(self.fd)
                    raise SwarmFailure('another run has been changing the swarm membership of this host for '
                                       'over %d seconds (lock %s); run again when it has finished'
                                       % (self.seconds, self.path))
                self.sleep(0.5)

    def __exit__(self, *exc_info):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        return False
