# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the Docker client reports what went wrong: the daemon refused, or could not be reached.

Private to this collection. DockerClient (_client.py) raises these two; modules import them from
_client.py, which re-exports them. ``reason`` turns an SDK or connection error into the one line a
user can act on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class DockerUnreachable(ModuleFailure):
    """The daemon cannot be reached: the socket is missing, the connection is refused or reset, or it timed out."""


class DockerAPIError(ModuleFailure):
    """The daemon answered, and refused: ``explanation`` is Docker's own message, ``status_code`` its HTTP status."""

    def __init__(self, message, explanation=None, status_code=None):
        super(DockerAPIError, self).__init__(message)
        self.explanation = explanation
        self.status_code = status_code


def unreachable_errors():
    """Exceptions that mean "cannot reach the daemon", as opposed to an answer or a bug of ours.

    A function, not a constant: it imports requests and urllib3, which a run that never needs the
    SDK does not import (_unix_socket.py says why)."""
    errors = [ConnectionError, TimeoutError, FileNotFoundError, socket.timeout]
    try:
        import requests.exceptions
        errors += [requests.exceptions.ConnectionError, requests.exceptions.Timeout]
    except ImportError:
        pass
    try:
        import urllib3.exceptions
        errors += [urllib3.exceptions.ProtocolError, urllib3.exceptions.TimeoutError,
                   urllib3.exceptions.NewConnectionError]
    except ImportError:
        pass
    return tuple(errors)


def reason(exc):
    """Short, single-line reason from an SDK or connection error."""
    explanation = getattr(exc, 'explanation', None)
    if explanation:
        return explanation if isinstance(explanation, str) else explanation.decode('utf-8', 'replace')
    # requests and urllib3 wrap the operating system's error several levels deep
    # ("('Connection aborted.', FileNotFoundError(2, ...))"): the OS error is what a user can act on.
    os_error = _innermost_os_error(exc)
    if os_error is not None:
        return os_error
    return str(exc) or exc.__class__.__name__


def _innermost_os_error(exc, depth=0):
    if depth > 8 or not isinstance(exc, BaseException):
        return None
    nested = list(getattr(exc, 'args', ())) + [getattr(exc, 'reason', None), exc.__cause__, exc.__context__]
    for inner in nested:
        found = _innermost_os_error(inner, depth + 1)
        if found:
            return found
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return None
