# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Engine API over the daemon's Unix socket, with the standard library only.

Private to this collection; only _client.DockerClient uses it. Importing the Docker SDK (requests,
urllib3) costs a module run more than all the rest of a no-op bridge_networks run on a 100-network
host, so the requests the network engine makes to a local daemon (``unix://``, no TLS) go this way;
everything else (TLS, tcp, ssh, the legacy modules' SDK calls) goes through the SDK.
One keep-alive connection per run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import json
import socket
from urllib.parse import quote, urlencode


# What a broken or refused connection raises (a socket timeout is an OSError too).
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


class EngineAnswer(Exception):
    """The daemon answered with an HTTP error: ``status_code`` and Docker's own ``explanation``."""

    def __init__(self, status_code, explanation):
        super(EngineAnswer, self).__init__(explanation)
        self.status_code = status_code
        self.explanation = explanation


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        http.client.HTTPConnection.__init__(self, 'localhost', timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except Exception:
            sock.close()
            raise
        self.sock = sock


def socket_path(docker_host):
    """The socket file of a ``unix://`` docker_host, or None for any other kind of URL."""
    if docker_host and docker_host.startswith('unix://'):
        return docker_host[len('unix://'):] or None
    return None


class UnixSocketAPI:
    """Requests to the Engine API at ``path``; ``version`` None reads the daemon's own first (GET /version)."""

    def __init__(self, path, version, timeout):
        self._connection = _UnixConnection(path, timeout)
        self.server_version = None
        if version is None:
            self.server_version = self.call('GET', '/version', versioned=False)
            version = self.server_version['ApiVersion']
        self.api_version = version

    def call(self, method, path, params=None, body=None, versioned=True):
        """The decoded JSON answer (None when there is no body); raises EngineAnswer or the socket's error."""
        url = ('/v%s%s' % (self.api_version, path)) if versioned else path
        if params:
            url += '?' + urlencode(params)
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        try:
            self._connection.request(method, url, body=data, headers=headers)
            response = self._connection.getresponse()
            content = response.read()
        except Exception:
            self._connection.close()  # a broken keep-alive connection is not reused
            raise
        if response.status >= 400:
            raise EngineAnswer(response.status, _explanation(content))
        return json.loads(content.decode('utf-8')) if content else None

    def close(self):
        self._connection.close()


def quoted(identifier):
    return quote(identifier, safe='')


def _explanation(content):
    """Docker's message from an error body ({"message": ...}), else the body as text."""
    text = content.decode('utf-8', 'replace')
    try:
        return json.loads(text).get('message') or text.strip()
    except (ValueError, AttributeError):
        return text.strip()
