# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module of the collection takes, declared once.

Private to this collection; _client.py re-exports them. The doc fragment ``fleetnet.docker.docker``
documents this argspec (a unit test compares the two).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket

from ansible.module_utils.basic import env_fallback

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
DEFAULT_TIMEOUT = 60
# The version a client is made with before it asks the daemon for the real one (see _connect).
DEFAULT_API_VERSION_PROBE = '1.24'
# Debian 12's python3-docker. What the SDK lacks before 7 (mac_address on connect, data_path_port on
# swarm init) is sent another way or refused with a message, see connect_container and require_sdk.
MINIMUM_SDK_VERSION = '5.0.3'
INSTALL_HINT = 'the role fleetnet.docker.prerequisites installs it'

# The options and environment variables of community.docker, read the same way: the option, then
# the managed node's environment variable, then the default (DOCKER_CERT_PATH: see _cert_path_file).
CONNECTION_ARGSPEC = dict(
    docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, aliases=['docker_url'],
                     fallback=(env_fallback, ['DOCKER_HOST'])),
    tls=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS'])),
    validate_certs=dict(type='bool', default=False, aliases=['tls_verify'], fallback=(env_fallback, ['DOCKER_TLS_VERIFY'])),
    ca_path=dict(type='path', aliases=['ca_cert', 'cacert_path']),
    client_cert=dict(type='path', aliases=['tls_client_cert', 'cert_path']),
    client_key=dict(type='path', aliases=['tls_client_key', 'key_path'], no_log=False),
    tls_hostname=dict(type='str', fallback=(env_fallback, ['DOCKER_TLS_HOSTNAME'])),
    api_version=dict(type='str', default='auto', aliases=['docker_api_version'],
                     fallback=(env_fallback, ['DOCKER_API_VERSION'])),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
)


def _names(spec):
    """Every name an argspec's options answer to: their own and their aliases."""
    names = set()
    for option, settings in spec.items():
        names.add(option)
        names.update(settings.get('aliases') or [])
    return names


def connection_argspec(**module_options):
    """Argspec of a module: its own options plus the shared connection options.

    A module option that takes a connection option's name or alias (a module's own ``timeout`` for
    a restart, say) would silently replace that connection option for every task of the module:
    it is refused here, while the argspec is built (the unit tests build the modules' argspecs, and
    ansible-test's validate-modules every module's).
    """
    taken = sorted(_names(CONNECTION_ARGSPEC) & _names(module_options))
    if taken:
        raise ValueError('module options %s are connection options (or their aliases) already: give them other names'
                         % ', '.join(taken))
    spec = dict(CONNECTION_ARGSPEC)
    spec.update(module_options)
    return spec


def this_host():
    """Name of the managed node, used to say where an error happened."""
    return socket.gethostname()


def _cert_path_file(name):
    cert_path = os.environ.get('DOCKER_CERT_PATH')
    if cert_path:
        return os.path.join(cert_path, name)
    return None
