# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Mirrors CONNECTION_ARGSPEC in plugins/module_utils/_client.py: keep the two in step.
    DOCUMENTATION = r'''
options:
  docker_host:
    description:
      - URL or Unix socket path of the Docker daemon on the managed node,
        for example V(unix:///var/run/docker.sock) or V(tcp://127.0.0.1:2376).
      - If not set, the environment variable E(DOCKER_HOST) is used, and if that is
        not set either, the local socket V(unix:///var/run/docker.sock).
    type: str
    aliases: [docker_url]
  tls:
    description:
      - Connect using TLS without verifying the daemon's certificate.
      - Prefer O(validate_certs=true) on any network you do not fully control.
    type: bool
    default: false
  validate_certs:
    description:
      - Connect using TLS and verify the daemon's certificate against O(ca_path).
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - CA certificate used to verify the daemon. Defaults to C(ca.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    aliases: [ca_cert, cacert_path]
  client_cert:
    description:
      - Client certificate for TLS. Defaults to C(cert.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - Client key for TLS. Defaults to C(key.pem) in E(DOCKER_CERT_PATH) when that is set.
      - Only the path is passed around; the key itself is never read into module output.
    type: path
    aliases: [tls_client_key, key_path]
  api_version:
    description:
      - Docker Engine API version to speak, or V(auto) to use the daemon's.
      - Options that need a newer API than the daemon's fail with a message that names the option and the version.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the daemon.
    type: int
    default: 60
requirements:
  - Docker SDK for Python 7.0.0 or newer (C(pip install 'docker>=7')) for the Python interpreter on the managed node.
notes:
  - Connection options can be set once for every module of this collection with
    C(module_defaults) and the action group C(group/fleetnet.docker.docker).
'''
