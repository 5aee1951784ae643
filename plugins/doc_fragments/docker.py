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
      - URL or Unix socket path of the Docker daemon, seen from the managed node,
        for example V(unix:///var/run/docker.sock), V(tcp://192.0.2.11:2376) or V(ssh://docker@192.0.2.11).
      - If not set, the environment variable E(DOCKER_HOST) of the managed node is used.
      - V(tcp://) speaks HTTPS when O(tls) or O(validate_certs) is set, else plain HTTP.
      - V(ssh://) needs C(paramiko) for the Python the module runs with, the target's host key in that
        user's C(~/.ssh/known_hosts), and an SSH user allowed to use the Docker socket there.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  tls:
    description:
      - Connect using TLS without verifying the daemon's certificate.
      - Prefer O(validate_certs=true) on any network you do not fully control.
      - If not set, the environment variable E(DOCKER_TLS) is used.
    type: bool
    default: false
  validate_certs:
    description:
      - Connect using TLS and verify the daemon's certificate against O(ca_path), and its name against
        O(tls_hostname).
      - If not set, the environment variable E(DOCKER_TLS_VERIFY) is used.
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
  tls_hostname:
    description:
      - The name the daemon's certificate has to be for, when O(validate_certs) is set.
      - If not set, the environment variable E(DOCKER_TLS_HOSTNAME) is used, and if that is not set either,
        the host part of O(docker_host).
    type: str
  api_version:
    description:
      - Docker Engine API version to speak, or V(auto) to use the daemon's.
      - Options that need a newer API than the daemon's fail with a message that names the option and the version.
      - If not set, the environment variable E(DOCKER_API_VERSION) is used.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the daemon.
      - If not set, the environment variable E(DOCKER_TIMEOUT) is used.
    type: int
    default: 60
requirements:
  - Docker SDK for Python 5.0.3 or newer for the Python interpreter on the managed node (Debian's C(python3-docker)
    from Debian 12 on, or a venv); the role C(fleetnet.docker.prerequisites) installs it.
notes:
  - The connection options and environment variables are those of community.docker, read the same way - the option,
    then the managed node's environment variable, then the default. E(DOCKER_CERT_PATH) is the folder of C(ca.pem),
    C(cert.pem) and C(key.pem) for O(ca_path), O(client_cert) and O(client_key).
  - Connection options can be set once for every module of this collection with
    C(module_defaults) and the action group C(group/fleetnet.docker.docker).
'''
