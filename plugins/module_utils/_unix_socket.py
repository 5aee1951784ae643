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

import errno
import json
import socket
from urllib.parse import quote, urlencode


class NotHTTP(OSError):
    """What answers on the socket does not speak HTTP (it is not a Docker daemon)."""


# What a broken or refused connection raises (a socket timeout is an OSError too).
TRANSPORT_ERRORS = (OSError,)


class EngineAnswer(Exception):
    """The daemon answered with an HTTP error: ``status_code`` and Docker's own ``explanation``."""

    def __init__(self, status_code, explanation):
        super(EngineAnswer, self).__init__(explanation)
        self.status_code = status_code
        self.explanation = explanation


def socket_path(docker_host):
    """The socket file of a ``unix://`` docker_host, or None for any other kind of URL."""
    if docker_host and docker_host.startswith('unix://'):
        return docker_host[len('unix://'):] or None
    return None


class UnixSocketAPI:
    """Requests to the Engine API at ``path``; ``version`` None reads the daemon's own first (GET /version).

    HTTP/1.1 is written and read here rather than with http.client, which imports ssl and the email
    package (a tenth of what ansible's own module code costs to import): dockerd's answers are plain
    JSON with a Content-Length or in chunks.
    """

    def __init__(self, path, version, timeout):
        self._path = path
        self._timeout = timeout
        self._socket = None
        self._reader = None
        self._answer_started = False
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
        data = b'' if body is None else json.dumps(body).encode('utf-8')
        head = '%s %s HTTP/1.1\r\nHost: docker\r\n' % (method, url)
        if body is not None:
            head += 'Content-Type: application/json\r\n'
        if body is not None or method in ('POST', 'PUT'):
            head += 'Content-Length: %d\r\n' % len(data)
        status, content = self._exchange(head.encode('latin-1') + b'\r\n' + data)
        if status >= 400:
            raise EngineAnswer(status, _explanation(content))
        return json.loads(content.decode('utf-8')) if content.strip() else None

    def _exchange(self, request):
        """Send one request and read its answer. A kept-alive connection the daemon closed while idle (it
        restarted, say) fails before any answer: that request is sent once more on a new connection,
        as HTTP clients do; a failure after the answer began, or on a new connection, is raised."""
        for attempt in (1, 2):
            reused = self._socket is not None
            self._answer_started = False
            try:
                if not reused:
                    self._open()
                self._socket.sendall(request)
                return self._response()
            except (ConnectionResetError, BrokenPipeError):
                self.close()
                if not reused or self._answer_started or attempt == 2:
                    raise
            except Exception:
                self.close()  # a broken keep-alive connection is not reused
                raise
        raise AssertionError('not reached')

    def _open(self):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(self._timeout)
        try:
            connection.connect(self._path)
        except Exception:
            connection.close()
            raise
        self._socket = connection
        self._reader = connection.makefile('rb')

    def _response(self):
        """(status, body) of the next answer on the connection."""
        status_line = self._line()
        self._answer_started = True
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b'HTTP/'):
            raise NotHTTP('the socket answered %r, not HTTP' % status_line[:60])
        try:
            status = int(parts[1])
        except ValueError:
            raise NotHTTP('the socket answered %r, not HTTP' % status_line[:60])
        headers = {}
        while True:
            line = self._line()
            if not line.strip():
                break
            name, _colon, value = line.decode('latin-1').partition(':')
            headers[name.strip().lower()] = value.strip()
        if status in (204, 304) or 100 <= status < 200:
            content = b''
        elif 'chunked' in headers.get('transfer-encoding', '').lower():
            content = self._chunks()
        elif 'content-length' in headers:
            content = self._exactly(int(headers['content-length']))
        else:
            content = self._reader.read()  # the body ends with the connection
            headers['connection'] = 'close'
        if headers.get('connection', '').lower() == 'close':
            self.close()
        return status, content

    def _chunks(self):
        pieces = []
        while True:
            size = int(self._line().split(b';')[0].strip(), 16)
            if size == 0:
                while self._line().strip():
                    pass  # trailers
                return b''.join(pieces)
            pieces.append(self._exactly(size))
            self._line()  # the CRLF after each chunk

    def _line(self):
        line = self._reader.readline(65537)
        if not line:
            raise ConnectionResetError(errno.ECONNRESET, 'the daemon closed the connection')
        return line

    def _exactly(self, size):
        content = self._reader.read(size)
        if len(content) < size:
            raise ConnectionResetError(errno.ECONNRESET, 'the daemon closed the connection')
        return content

    def close(self):
        for handle in (self._reader, self._socket):
            if handle is not None:
                handle.close()
        self._reader = self._socket = None


def quoted(identifier):
    return quote(identifier, safe='')


def _explanation(content):
    """Docker's message from an error body ({"message": ...}), else the body as text."""
    text = content.decode('utf-8', 'replace')
    try:
        return json.loads(text).get('message') or text.strip()
    except (ValueError, AttributeError):
        return text.strip()
