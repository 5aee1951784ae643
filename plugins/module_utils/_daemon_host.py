# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The managed node's running dockerd: its process, command line, configuration file and restart.

Private to this collection. The module runs on the Docker host itself: dockerd's command line,
its configuration file and the restart are local; everything else goes through the Engine API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shlex
import tempfile
import time

DEFAULT_PID_FILES = ('/var/run/docker.pid', '/run/docker.pid')


class DaemonProcess:
    """The running dockerd: pid, command line and start time (seconds since the epoch)."""

    def __init__(self, pid, argv, started, executable):
        self.pid = pid
        self.argv = argv
        self.started = started
        self.executable = executable


def _read(path, mode='r'):
    with open(path, mode) as handle:
        return handle.read()


def _same_network_namespace(pid):
    # /proc shows every process of the machine; a daemon in another network namespace (another
    # container host on the same kernel) is not the one this host's Docker socket belongs to.
    try:
        mine = os.stat('/proc/self/ns/net')
        theirs = os.stat('/proc/%d/ns/net' % pid)
    except OSError:
        return True
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _is_dockerd(pid):
    try:
        return _read('/proc/%d/comm' % pid).strip() == 'dockerd'
    except OSError:
        return False


def _boot_time():
    for line in _read('/proc/stat').splitlines():
        if line.startswith('btime '):
            return int(line.split()[1])
    return 0


def _process(pid):
    try:
        argv = [part.decode('utf-8', 'replace') for part in _read('/proc/%d/cmdline' % pid, 'rb').split(b'\0') if part]
        stat = _read('/proc/%d/stat' % pid)
        executable = os.readlink('/proc/%d/exe' % pid)
    except OSError:
        return None
    # Field 22 of /proc/PID/stat is the start time in clock ticks after boot; the name in
    # parentheses (field 2) may contain spaces, so count from its closing parenthesis.
    ticks = int(stat.rsplit(')', 1)[1].split()[19])
    started = _boot_time() + ticks / float(os.sysconf('SC_CLK_TCK'))
    return DaemonProcess(pid, argv, started, executable.replace(' (deleted)', ''))


def ipv4_forwarding():
    """net.ipv4.ip_forward of this host's network namespace: True, False, or None when it cannot be read."""
    try:
        text = _read('/proc/sys/net/ipv4/ip_forward')
    except (IOError, OSError):
        return None
    if text.strip() not in ('0', '1'):
        return None
    return text.strip() == '1'


def find_dockerd():
    """The dockerd of this host (its pid file, else the one dockerd in this network namespace), or None."""
    for path in DEFAULT_PID_FILES:
        try:
            pid = int(_read(path).strip())
        except (OSError, ValueError):
            continue
        if _is_dockerd(pid) and _same_network_namespace(pid):
            return _process(pid)
    found = [int(entry) for entry in os.listdir('/proc')
             if entry.isdigit() and _is_dockerd(int(entry)) and _same_network_namespace(int(entry))]
    return _process(found[0]) if len(found) == 1 else None


def read_text(path):
    """The file's text, or None when it does not exist."""
    try:
        return _read(path)
    except OSError as exc:
        if getattr(exc, 'errno', None) == 2:
            return None
        raise


def modified_after_start(path, process):
    """True when the file changed after the daemon started, so the daemon does not run with it yet."""
    try:
        # The boot time in /proc/stat is whole seconds: a file written just before the daemon
        # started could otherwise look newer than it.
        return process is not None and os.stat(path).st_mtime > process.started + 1.0
    except OSError:
        return False


def write_file(module, path, text):
    """Write atomically; an existing file keeps its mode, owner and SELinux context (atomic_move)."""
    directory = os.path.dirname(path) or '.'
    handle, temporary = tempfile.mkstemp(prefix='.daemon.json.', dir=directory)
    with os.fdopen(handle, 'w') as stream:
        stream.write(text)
    if not os.path.exists(path):
        os.chmod(temporary, 0o644)
    module.atomic_move(temporary, path)


def validate_with_dockerd(module, executable, text):
    """Problem text from ``dockerd --validate`` on the candidate file, or None when it is accepted."""
    handle, temporary = tempfile.mkstemp(prefix='daemon-candidate.', suffix='.json', dir=module.tmpdir)
    with os.fdopen(handle, 'w') as stream:
        stream.write(text)
    rc, out, err = module.run_command([executable, '--validate', '--config-file', temporary])
    os.unlink(temporary)
    if rc == 0:
        return None
    return (err.strip() or out.strip()).replace(temporary, 'the candidate daemon.json')


def run_restart(module, command):
    """Run the restart command (no shell); (rc, output) for the error message."""
    rc, out, err = module.run_command(shlex.split(command))
    return rc, (err.strip() or out.strip())


def wait_for_new_daemon(client, old_pid, timeout):
    """Wait until the API answers, from a dockerd other than ``old_pid`` when that is known.

    True when it did within ``timeout`` seconds. Without a known old pid (no dockerd process
    seen on this host) an answer is all there is to wait for.
    """
    deadline = time.time() + timeout
    while time.time() < deadline:
        process = find_dockerd()
        if old_pid is None or (process is not None and process.pid != old_pid):
            try:
                client.ping()
                return True
            except Exception:  # the socket exists before the API answers
                pass
        time.sleep(0.5)
    return False
