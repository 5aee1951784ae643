# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where fleetnet.docker modules talk to a Docker daemon.

Private to this collection. Every module builds a DockerClient from its AnsibleModule;
connection options are declared here once (CONNECTION_ARGSPEC) and documented once in
the doc fragment ``fleetnet.docker.docker``, which mirrors this argspec.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import sys
import traceback

try:
    import docker
    # NotFound is not used here: modules import it from this one place.
    from docker.errors import APIError, DockerException, NotFound  # noqa: F401 pylint: disable=unused-import
    from docker.utils import compare_version
    HAS_DOCKER_SDK = True
    DOCKER_SDK_IMPORT_ERROR = None
except ImportError:
    # Keep the module importable so that it can fail with a message that names the
    # missing package and the interpreter the user has to install it for.
    HAS_DOCKER_SDK = False
    DOCKER_SDK_IMPORT_ERROR = traceback.format_exc()

    class DockerException(Exception):
        pass

    class APIError(DockerException):
        pass

    class NotFound(APIError):
        pass

    def compare_version(v1, v2):
        return 0

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
DEFAULT_TIMEOUT = 60
MINIMUM_SDK_VERSION = '7.0.0'

CONNECTION_ARGSPEC = dict(
    docker_host=dict(type='str', aliases=['docker_url'],
                     fallback=(lambda: os.environ.get('DOCKER_HOST') or DEFAULT_DOCKER_HOST,)),
    tls=dict(type='bool', default=False),
    validate_certs=dict(type='bool', default=False, aliases=['tls_verify']),
    ca_path=dict(type='path', aliases=['ca_cert', 'cacert_path']),
    client_cert=dict(type='path', aliases=['tls_client_cert', 'cert_path']),
    client_key=dict(type='path', aliases=['tls_client_key', 'key_path'], no_log=False),
    api_version=dict(type='str', default='auto', aliases=['docker_api_version']),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT),
)


def connection_argspec(**module_options):
    """Argspec of a module: its own options plus the shared connection options."""
    spec = dict(CONNECTION_ARGSPEC)
    spec.update(module_options)
    return spec


def this_host():
    """Name of the managed node, used to say where an error happened."""
    return socket.gethostname()


def _version_tuple(version):
    return tuple(int(part) for part in str(version).split('.') if part.isdigit())


def _cert_path_file(name):
    cert_path = os.environ.get('DOCKER_CERT_PATH')
    if cert_path:
        return os.path.join(cert_path, name)
    return None


class DockerClient:
    """A connected Docker SDK low-level client plus the checks every module needs.

    ``self.api`` is docker.APIClient; modules and module_utils call the Engine API
    through it. Construction fails the module with a clear message when the SDK is
    missing or too old, or the daemon cannot be reached.
    """

    def __init__(self, module):
        self.module = module
        self.host = this_host()
        params = module.params
        if not HAS_DOCKER_SDK:
            module.fail_json(
                msg='the Docker SDK for Python (package "docker", version %s or newer) is not '
                    'installed for the interpreter %s on %s: run "%s -m pip install \'docker>=7\'" '
                    'on that host' % (MINIMUM_SDK_VERSION, sys.executable, self.host, sys.executable),
                exception=DOCKER_SDK_IMPORT_ERROR)
        if _version_tuple(docker.__version__) < _version_tuple(MINIMUM_SDK_VERSION):
            module.fail_json(
                msg='the Docker SDK for Python on %s is version %s at %s; fleetnet.docker needs %s '
                    'or newer ("%s -m pip install \'docker>=7\'")'
                    % (self.host, docker.__version__, sys.executable, MINIMUM_SDK_VERSION, sys.executable))
        self.docker_host = params.get('docker_host') or DEFAULT_DOCKER_HOST
        try:
            self.api = docker.APIClient(
                base_url=self.docker_host,
                version=params.get('api_version') or 'auto',
                timeout=params.get('timeout') or DEFAULT_TIMEOUT,
                tls=self._tls_config(),
            )
        except DockerException as exc:
            self.fail_unreachable(exc)
        except Exception as exc:  # requests raises its own errors before the SDK wraps them
            self.fail_unreachable(exc)
        self.api_version = self.api.api_version

    def _tls_config(self):
        params = self.module.params
        if not params.get('tls') and not params.get('validate_certs'):
            return False
        ca_path = params.get('ca_path') or _cert_path_file('ca.pem')
        client_cert = params.get('client_cert') or _cert_path_file('cert.pem')
        client_key = params.get('client_key') or _cert_path_file('key.pem')
        client_pair = (client_cert, client_key) if client_cert and client_key else None
        try:
            return docker.tls.TLSConfig(
                client_cert=client_pair,
                ca_cert=ca_path if params.get('validate_certs') else None,
                verify=bool(params.get('validate_certs')),
            )
        except DockerException as exc:
            # The SDK's message names the file; it never contains key material.
            self.module.fail_json(msg='TLS settings for the Docker daemon at %s on %s are not usable: %s'
                                      % (self.docker_host, self.host, exc))

    def fail_unreachable(self, exc):
        self.module.fail_json(msg='cannot reach the Docker daemon at %s: %s' % (self.docker_host, _reason(exc)))

    def api_at_least(self, version):
        return compare_version(version, self.api_version) >= 0

    def require_api(self, option, version, network=None):
        """Fail when `option` needs a newer Engine API than the daemon speaks."""
        if not self.api_at_least(version):
            where = ('network "%s" on %s' % (network, self.host)) if network else self.host
            self.module.fail_json(
                msg='%s: option "%s" needs Docker Engine API %s or newer; the daemon at %s speaks %s'
                    % (where, option, version, self.docker_host, self.api_version))

    def call(self, what, method, *args, **kwargs):
        """Call an APIClient method; fail with the host and what we were doing on an API error."""
        try:
            return method(*args, **kwargs)
        except APIError as exc:
            self.module.fail_json(msg='%s on %s failed: %s' % (what, self.host, _reason(exc)))
        except DockerException as exc:
            self.fail_unreachable(exc)
        except Exception as exc:  # connection errors from requests/urllib3
            self.fail_unreachable(exc)


def _reason(exc):
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
