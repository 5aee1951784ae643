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

import importlib.util
import json
import sys
import traceback

# Re-exported: modules and tests import these from _client.
from ansible_collections.fleetnet.docker.plugins.module_utils._client_options import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION_ARGSPEC, DEFAULT_API_VERSION_PROBE, DEFAULT_DOCKER_HOST, DEFAULT_TIMEOUT, INSTALL_HINT,
    MINIMUM_SDK_VERSION, _cert_path_file, connection_argspec, this_host)
from ansible_collections.fleetnet.docker.plugins.module_utils._client_sdk import (  # noqa: F401 pylint: disable=unused-import
    _hostname_adapter_class, _installed_version, accepts_parameter, sdk_compatibility_problem)
from ansible_collections.fleetnet.docker.plugins.module_utils._client_errors import (
    DockerAPIError, DockerUnreachable, reason as _reason, unreachable_errors as _unreachable_errors)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import HostEngine, api_at_least
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.plugins.module_utils import _unix_socket
from ansible_collections.fleetnet.docker.plugins.module_utils._client_containers import ContainerCalls
from ansible_collections.fleetnet.docker.plugins.module_utils._client_endpoints import EndpointCalls
from ansible_collections.fleetnet.docker.plugins.module_utils._client_plugins import PluginCalls
from ansible_collections.fleetnet.docker.plugins.module_utils._client_reads import DaemonReads
from ansible_collections.fleetnet.docker.plugins.module_utils._client_swarm import SwarmCalls

# The Docker SDK (with requests and urllib3) is imported when it is first needed, not with this
# module: a run against the local socket that only reads and creates networks never needs it
# (_unix_socket.py says why). Whether it is installed is known without importing it.
HAS_DOCKER_SDK = importlib.util.find_spec('docker') is not None
DOCKER_SDK_IMPORT_ERROR = None if HAS_DOCKER_SDK else "ModuleNotFoundError: No module named 'docker'"
_SDK = {}


def _sdk():
    """The SDK's module and exception classes, imported once; None (with DOCKER_SDK_IMPORT_ERROR set) when it cannot be."""
    global HAS_DOCKER_SDK, DOCKER_SDK_IMPORT_ERROR  # pylint: disable=global-statement
    if not _SDK and HAS_DOCKER_SDK:
        try:
            import docker
            import docker.errors
            import docker.tls
        except ImportError:
            # The last line says why: an SDK too old for this Python (5.0 needs distutils), a missing requests.
            HAS_DOCKER_SDK = False
            DOCKER_SDK_IMPORT_ERROR = traceback.format_exc()
            return None
        _SDK.update(docker=docker, APIError=docker.errors.APIError, DockerException=docker.errors.DockerException,
                    NotFound=docker.errors.NotFound, unreachable=_unreachable_errors())
    return _SDK or None


class _SDKMissingException(Exception):
    """Stands in for the SDK's exception classes when it cannot be imported, so that modules stay importable
    and fail with the message that names the missing package (DockerClient)."""


class _SDKMissingAPIError(_SDKMissingException):
    pass


class _SDKMissingNotFound(_SDKMissingAPIError):
    pass


_SDK_MISSING = dict(DockerException=_SDKMissingException, APIError=_SDKMissingAPIError, NotFound=_SDKMissingNotFound)


def __getattr__(name):
    """``APIError``, ``NotFound``, ``DockerException``, ``HostnameAdapter``: the modules that use the SDK
    themselves import them from here, which imports the SDK then."""
    if name in _SDK_MISSING:
        return _SDK[name] if _sdk() else _SDK_MISSING[name]
    if name == 'HostnameAdapter' and _sdk():
        return _hostname_adapter_class()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


class DockerClient(DaemonReads, SwarmCalls, PluginCalls, ContainerCalls, EndpointCalls):
    """A connection to one Docker daemon behind typed Engine API methods.

    The typed methods (these and those of the ``_client_*`` mixins) are the only Engine API callers.

    The typed methods below are the only way the network engine and the ``*_networks`` modules talk
    to Docker. They raise ``DockerUnreachable`` or ``DockerAPIError`` (both ``ModuleFailure``);
    anything else (a ``TypeError`` from a wrong SDK argument) is a bug and surfaces as itself.
    Everything else here that stops a run (connecting, ``require_api``, ``call``) raises a
    ``ModuleFailure`` too: the module's runner (_module_runner.run_module) reports it.
    To a local daemon (``unix://``, no TLS) most of them go through _unix_socket.py; the others, and
    ``api`` (the SDK's low-level client, connected on first use), through the Docker SDK.

    ``local_socket=False`` is for the modules that still hand the mixins' methods to ``call`` (swarm,
    network_plugins, probe, daemon_network, engine_info): the client then connects the SDK at once.
    """

    def __init__(self, module, local_socket=False):
        self.module = module
        self.host = this_host()
        self._engine = None
        self._api = None
        self._socket = None
        self._connect(module.params, sdk_now=not local_socket)

    def _connect(self, params, sdk_now):
        if not HAS_DOCKER_SDK:
            raise self._sdk_missing()
        self.docker_host = params.get('docker_host') or DEFAULT_DOCKER_HOST
        self._params = params
        version = params.get('api_version') or 'auto'
        path = _unix_socket.socket_path(self.docker_host)
        if sdk_now or not path or params.get('tls') or params.get('validate_certs'):
            self._connect_sdk()
            return
        try:
            self._socket = _unix_socket.UnixSocketAPI(path, None if version == 'auto' else version,
                                                      params.get('timeout') or DEFAULT_TIMEOUT)
        except _unix_socket.EngineAnswer as exc:
            raise DockerAPIError('reading the daemon version on %s failed: %s' % (self.host, exc.explanation),
                                 explanation=exc.explanation, status_code=exc.status_code)
        except Exception as exc:  # pylint: disable=broad-except
            # As the SDK does with api_version "auto": whatever stopped the first request means unreachable.
            raise self.unreachable(exc)
        self.api_version = self._socket.api_version

    def _sdk_missing(self):
        # The last line says why: missing, or an SDK too old for this Python (5.0 needs distutils).
        error = ModuleFailure(
            'the Docker SDK for Python (package "docker", version %s or newer) cannot be imported by '
            'the interpreter %s on %s (%s); %s, or install it for that interpreter'
            % (MINIMUM_SDK_VERSION, sys.executable, self.host, DOCKER_SDK_IMPORT_ERROR.strip().splitlines()[-1],
               INSTALL_HINT))
        error.exception = DOCKER_SDK_IMPORT_ERROR
        return error

    def _connect_sdk(self):
        sdk = _sdk()
        if sdk is None:
            raise self._sdk_missing()
        docker = sdk['docker']
        params = self._params
        problem = sdk_compatibility_problem(docker.__version__, _installed_version('requests'),
                                            _installed_version('urllib3'))
        if problem:
            raise ModuleFailure('the Docker SDK for Python at %s on %s %s; %s'
                                % (sys.executable, self.host, problem, INSTALL_HINT))
        tls = self._tls_config(params)
        version = params.get('api_version') or 'auto'
        if self._socket is not None:
            version = self._socket.api_version  # already read from the daemon
        # Only a verified connection checks a name, and only a name other than the URL's needs the adapter.
        hostname = params.get('tls_hostname') if params.get('validate_certs') else None
        try:
            # The adapter has to be in place before the first request, which "auto" makes in the
            # constructor: then ask for the version after mounting it.
            api = docker.APIClient(
                base_url=self.docker_host,
                version=DEFAULT_API_VERSION_PROBE if hostname and version == 'auto' else version,
                timeout=params.get('timeout') or DEFAULT_TIMEOUT,
                tls=tls,
            )
            if hostname:
                api.mount('https://', _hostname_adapter_class()(hostname))
                if version == 'auto':
                    api._version = api._retrieve_server_version()
        except Exception as exc:  # pylint: disable=broad-except
            # With api_version "auto" the SDK asks the daemon for its version here and wraps whatever
            # went wrong (a missing socket, a refused connection, a bad URL) in its own exception.
            raise self.unreachable(exc)
        self._api = api
        self.api_version = api.api_version

    @property
    def api(self):
        """The SDK's low-level client (docker.APIClient), connected on first use."""
        if self._api is None:
            self._connect_sdk()
        return self._api

    @api.setter
    def api(self, value):
        self._api = value

    def _tls_config(self, params):
        if not params.get('tls') and not params.get('validate_certs'):
            return False
        ca_path = params.get('ca_path') or _cert_path_file('ca.pem')
        client_cert = params.get('client_cert') or _cert_path_file('cert.pem')
        client_key = params.get('client_key') or _cert_path_file('key.pem')
        client_pair = (client_cert, client_key) if client_cert and client_key else None
        sdk = _sdk()
        try:
            return sdk['docker'].tls.TLSConfig(
                client_cert=client_pair,
                ca_cert=ca_path if params.get('validate_certs') else None,
                verify=bool(params.get('validate_certs')),
            )
        except sdk['DockerException'] as exc:
            # The SDK's message names the file; it never contains key material.
            raise ModuleFailure('TLS settings for the Docker daemon at %s on %s are not usable: %s'
                                % (self.docker_host, self.host, exc))

    def unreachable(self, exc):
        return DockerUnreachable('cannot reach the Docker daemon at %s: %s' % (self.docker_host, _reason(exc)))

    def api_at_least(self, version):
        return api_at_least(self.api_version, version)

    def engine(self):
        """This host's engine (_engine_versions.HostEngine): the version rules applied to it."""
        if self._engine is None:
            self._engine = HostEngine(self.api_version, self.version)
        return self._engine

    def engine_versions(self):
        """(engine version, API version) of the daemon, for reports and messages (networks_info, mac_address)."""
        return self.engine().versions()

    def engine_at_least(self, release):
        return self.engine().at_least(release)

    def engine_problem(self, what, release):
        return self.engine().problem(what, release)

    def require_api(self, option, version, network=None):
        """Raise when `option` needs a newer Engine API than the daemon speaks."""
        if not self.api_at_least(version):
            where = ('network "%s" on %s' % (network, self.host)) if network else self.host
            raise ModuleFailure(
                '%s: option "%s" needs Docker Engine API %s or newer; the daemon at %s speaks %s'
                % (where, option, version, self.docker_host, self.api_version))

    def require_sdk(self, option, method, parameter, version):
        """Raise when the installed SDK's ``method`` cannot send ``option`` (it lacks ``parameter``)."""
        if not accepts_parameter(method, parameter):
            raise ModuleFailure(
                '%s: option "%s" needs the Docker SDK for Python %s or newer; the one at %s is %s'
                % (self.host, option, version, sys.executable, _sdk()['docker'].__version__))

    def request(self, what, method, *args, **kwargs):
        """Call an SDK method, turning Docker's answers and unreachable daemons into ModuleFailures."""
        sdk = _sdk() or dict(APIError=(), DockerException=(), unreachable=_unreachable_errors())
        try:
            return method(*args, **kwargs)
        except sdk['APIError'] as exc:
            raise DockerAPIError('%s on %s failed: %s' % (what, self.host, _reason(exc)),
                                 explanation=_reason(exc), status_code=getattr(exc, 'status_code', None))
        except sdk['unreachable'] as exc:
            raise self.unreachable(exc)
        except sdk['DockerException'] as exc:
            # The SDK refusing a request itself (an argument the daemon's API version cannot take).
            raise DockerAPIError('%s on %s failed: %s' % (what, self.host, _reason(exc)), explanation=_reason(exc))

    def _direct(self, what, method, path, params=None, body=None):
        """One request through the local socket (see the class docstring), with the errors ``request`` gives."""
        try:
            return self._socket.call(method, path, params=params, body=body)
        except _unix_socket.EngineAnswer as exc:
            raise DockerAPIError('%s on %s failed: %s' % (what, self.host, exc.explanation),
                                 explanation=exc.explanation, status_code=exc.status_code)
        except _unix_socket.TRANSPORT_ERRORS as exc:
            raise self.unreachable(exc)

    def _local(self):
        """Whether the typed methods go through the local socket (getattr: unit tests build clients bare)."""
        return getattr(self, '_socket', None) is not None

    def call(self, what, method, *args, **kwargs):
        """Legacy: ``request`` for the modules that still pass SDK methods in (see the class docstring)."""
        return self.request(what, method, *args, **kwargs)

    # ------------------------------------------------------------ typed Engine API calls

    def version(self):
        what = 'reading the daemon version'
        if self._local():
            # With api_version "auto" the connection read it already.
            return self._socket.server_version or self._direct(what, 'GET', '/version')
        return self.request(what, self.api.version)

    def info(self):
        if self._local():
            return self._direct('reading the daemon information', 'GET', '/info')
        return self.request('reading the daemon information', self.api.info)

    def list_networks(self):
        if self._local():
            return self._direct('listing networks', 'GET', '/networks')
        return self.request('listing networks', self.api.networks)

    def inspect_network(self, network_id):
        """The network, or None when it does not exist (any more)."""
        what = 'inspecting network %s' % network_id[:12]
        try:
            if self._local():
                return self._direct(what, 'GET', '/networks/' + _unix_socket.quoted(network_id))
            return self.request(what, self.api.inspect_network, network_id)
        except DockerAPIError as exc:
            if exc.status_code == 404:
                return None
            raise

    def create_network(self, payload):
        """POST /networks/create with an Engine API body (render.render_payload); returns the new ID.

        The body goes as it is: the SDK's create_network cannot send every field (ConfigOnly, ConfigFrom, and
        EnableIPv4, which the SDK lacks up to 7.2 at least). The engine checks first (_engine_versions) that the API version
        spoken takes each field: Docker drops EnableIPv4 from requests before API 1.48 without a word.
        """
        what = 'creating network "%s"' % payload['Name']
        if self._local():
            return self._direct(what, 'POST', '/networks/create', body=payload)['Id']

        def post():
            response = self.api._post_json(self.api._url('/networks/create'), data=payload)
            return self.api._result(response, json=True)
        return self.request(what, post)['Id']

    def remove_network(self, network_id, name):
        what = 'removing network "%s"' % name
        if self._local():
            self._direct(what, 'DELETE', '/networks/' + _unix_socket.quoted(network_id))
            return
        self.request(what, self.api.remove_network, network_id)

    def list_containers(self, all=True, network=None):  # pylint: disable=redefined-builtin
        """Container summaries; ``all`` includes stopped ones; ``network`` (an ID) keeps that network's."""
        filters = {'network': [network]} if network else None
        what = 'listing containers of network %s' % network[:12] if network else 'listing containers'
        if self._local():
            params = dict(all=1 if all else 0)
            if filters:
                params['filters'] = json.dumps(filters)
            return self._direct(what, 'GET', '/containers/json', params=params)
        return self.request(what, self.api.containers, all=all, filters=filters)

    def inspect_container(self, container_id, missing_ok=False):
        """The container; with ``missing_ok``, None when it was removed after it was listed."""
        what = 'inspecting container %s' % container_id[:12]
        try:
            if self._local():
                return self._direct(what, 'GET', '/containers/%s/json' % _unix_socket.quoted(container_id))
            return self.request(what, self.api.inspect_container, container_id)
        except DockerAPIError as exc:
            if missing_ok and exc.status_code == 404:
                return None
            raise

    def start_container(self, container_id, container_name=None):
        what = 'starting container "%s"' % (container_name or container_id[:12])
        if self._local():
            self._direct(what, 'POST', '/containers/%s/start' % _unix_socket.quoted(container_id))
            return
        self.request(what, self.api.start, container_id)

    def list_services(self):
        """Swarm services; raises DockerAPIError on a node that is not a swarm manager."""
        if self._local():
            return self._direct('listing swarm services', 'GET', '/services')
        return self.request('listing swarm services', self.api.services)

    def list_nodes(self):
        """Swarm nodes (GET /nodes); raises DockerAPIError on a node that is not a swarm manager."""
        if self._local():
            return self._direct('listing swarm nodes', 'GET', '/nodes')
        return self.request('listing swarm nodes', self.api.nodes)

    def list_plugins(self):
        if self._local():
            return self._direct('listing plugins', 'GET', '/plugins')
        return self.request('listing plugins', self.api.plugins)
