# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recreate journal and the per-daemon lock, kept on the machine the module runs on.

Private to this collection; docs/safety.md describes the design for users. A recreate writes what
it needs to put every container back (the old network, the target, every endpoint) before it
removes anything, so that a run cut off half-way (the daemon died, the host lost power) can be
finished or rolled back by the next run. The lock keeps two runs against one daemon from planning
on each other's half-done state.

Only files, JSON and ``fcntl``: nothing here talks to Docker.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import re
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not on a Docker host we support, but keep the module importable
    HAS_FCNTL = False

JOURNAL_ROOT = '/var/lib/fleetnet-docker/journal'
FORMAT = 1
# Predefined networks whose IDs a daemon makes once and keeps across restarts (the default
# ``bridge`` network gets a new ID on every start): they name the daemon's journal directory.
STABLE_NETWORKS = ('none', 'host')
KEY_LENGTH = 12


class JournalError(Exception):
    """The journal cannot be used (lock held too long, unreadable file); the message says why."""


def daemon_key(networks):
    """A name for the daemon behind a ``GET /networks`` answer that stays the same across its restarts."""
    by_name = dict((network.get('Name'), network.get('Id') or '') for network in networks)
    for name in STABLE_NETWORKS:
        if by_name.get(name):
            return by_name[name][:KEY_LENGTH]
    return None


def _file_name(network_name):
    # Docker network names are [a-zA-Z0-9][a-zA-Z0-9_.-]*; anything else is escaped, so that no
    # name can reach outside the directory.
    return re.sub(r'[^A-Za-z0-9_.-]', lambda match: '%%%02x' % ord(match.group()), network_name) + '.json'


class Journal:
    """The journal directory of one daemon: ``ROOT/DAEMON_KEY/``, a ``lock`` and one file per recreate."""

    def __init__(self, key, root=None):
        self.directory = os.path.join(root or JOURNAL_ROOT, key)
        self._lock_file = None

    def path(self, network_name):
        return os.path.join(self.directory, _file_name(network_name))

    def _ensure_directory(self):
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, mode=0o700)

    def lock(self, timeout):
        """Take the daemon's lock, waiting up to ``timeout`` seconds for another run to end."""
        if not HAS_FCNTL or self._lock_file is not None:
            return False
        self._ensure_directory()
        lock_path = os.path.join(self.directory, 'lock')
        handle = open(lock_path, 'a')
        deadline = time.time() + max(timeout, 0)
        waited = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    handle.close()
                    raise JournalError('cannot lock %s: %s' % (lock_path, exc.strerror))
                if time.time() >= deadline:
                    handle.close()
                    raise JournalError('another run has been changing networks on this daemon for more than %d '
                                       'seconds (it holds %s); rerun when it has finished' % (timeout, lock_path))
                waited = True
                time.sleep(0.2)
        self._lock_file = handle
        return waited

    def unlock(self):
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    def entries(self, driver):
        """Journal entries of recreates of ``driver`` networks that did not finish, oldest first."""
        if not os.path.isdir(self.directory):
            return []
        found = []
        for name in sorted(os.listdir(self.directory)):
            if not name.endswith('.json'):
                continue
            path = os.path.join(self.directory, name)
            try:
                with open(path) as handle:
                    entry = json.load(handle)
            except (IOError, OSError, ValueError) as exc:
                raise JournalError('the journal file %s cannot be read (%s); it holds what an interrupted recreate '
                                   'needs to put containers back: look at it, then remove it' % (path, exc))
            if entry.get('format') != FORMAT:
                raise JournalError('the journal file %s has format %r, this collection reads format %d'
                                   % (path, entry.get('format'), FORMAT))
            if entry.get('driver') == driver:
                found.append(entry)
        return sorted(found, key=lambda entry: entry.get('started') or '')

    def write(self, entry):
        """Store an entry so that it is complete on disk or not there at all (write, flush, rename)."""
        self._ensure_directory()
        entry = dict(entry, format=FORMAT)
        path = self.path(entry['network'])
        temporary = path + '.tmp'
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'w') as handle:
            json.dump(entry, handle, sort_keys=True, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, path)
        self._sync_directory()

    def remove(self, network_name):
        try:
            os.unlink(self.path(network_name))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
        self._sync_directory()

    def _sync_directory(self):
        # The rename or unlink itself must reach the disk too, or a power cut can undo it.
        try:
            descriptor = os.open(self.directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(descriptor)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def new_entry(network_name, driver, old_id, old_config, target, endpoints):
    """A journal entry for a recreate about to start (``started`` in UTC, as ISO 8601)."""
    return dict(network=network_name, driver=driver, started=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                old=dict(id=old_id, config=old_config), target=target, new_id=None,
                endpoints=[dict(endpoint) for endpoint in endpoints if not endpoint.get('service')])
