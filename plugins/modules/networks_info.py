#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: networks_info
short_description: List the Docker networks on a host, of every driver
version_added: 0.1.0
description:
  - Lists every network the Docker daemon on the managed node knows, whatever its driver,
    including the predefined C(bridge), C(host) and C(none) networks, with the containers
    attached to each and their addresses and aliases.
  - Never changes anything.
  - Round trips to the daemon are kept low. One list of networks, one list of running containers
    (skipped when no network is selected), one inspect per attached container, and the daemon's version.
  - Reports the host's Docker Engine and API version (RV(engine)); fields newer engines added are V(null)
    where the engine does not have them.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
    details: Reads only, so check mode runs it exactly like a normal run.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    membership:
      - fleetnet.docker.docker
options:
  names:
    description:
      - Only return the networks with these names (exact match, not IDs).
      - Names that no network has are left out of the result; that is not an error.
      - If not set or empty, networks of every name are returned.
    type: list
    elements: str
  drivers:
    description:
      - Only return the networks with these drivers, for example V(bridge), V(overlay), V(macvlan),
        V(ipvlan), V(host), or a plugin's name as Docker reports it.
      - The driver of the predefined C(none) network is V(null).
      - If not set or empty, networks of every driver are returned.
    type: list
    elements: str
notes:
  - Attached containers are the running (and paused) containers with an endpoint on the network, as in
    C(docker network inspect). Swarm load balancer and ingress sandbox endpoints are not containers
    and are not listed.
seealso:
  - name: Docker network inspect
    description: The Docker CLI command that shows the same information for one network.
    link: https://docs.docker.com/reference/cli/docker/network/inspect/
'''

EXAMPLES = r'''
- name: List every network on the host
  fleetnet.docker.networks_info:
  register: result

- name: Show the subnets of each network
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.ipam.subnets | map(attribute='subnet') | list }}"
  loop: "{{ result.networks }}"
  loop_control:
    label: "{{ item.name }}"

- name: Only macvlan and ipvlan networks
  fleetnet.docker.networks_info:
    drivers: [macvlan, ipvlan]
  register: lan_networks

- name: The address of container web on network backend
  fleetnet.docker.networks_info:
    names: [backend]
  register: backend

- name: Use it
  ansible.builtin.debug:
    msg: "{{ (backend.networks[0].containers | selectattr('name', '==', 'web') | first).ipv4_address }}"
  when: backend.networks | length == 1

- name: Networks of a daemon reached over TCP with TLS
  fleetnet.docker.networks_info:
    docker_host: tcp://docker.example.com:2376
    validate_certs: true
    ca_path: /etc/docker/certs/ca.pem
    client_cert: /etc/docker/certs/cert.pem
    client_key: /etc/docker/certs/key.pem
'''

RETURN = r'''
engine:
  description:
    - The Docker Engine of this host, from C(GET /version). Which fields below have a value depends on it.
  returned: success
  type: dict
  contains:
    version:
      description: Docker Engine version, as the daemon reports it.
      type: str
      sample: 28.5.2
    api_version:
      description: The highest Engine API version the daemon speaks.
      type: str
      sample: '1.51'
networks:
  description:
    - The networks that pass the filters, sorted by name.
    - Values Docker does not set are V(null) for single values and empty for lists and dictionaries.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Network name.
      type: str
      sample: backend
    id:
      description: Full network ID.
      type: str
      sample: 00d946640e229b206c65116266bedda46b214a588b71f2d5d9ed29be8d9b2ce8
    driver:
      description: Network driver. The predefined C(none) network has driver V(null).
      type: str
      sample: bridge
    scope:
      description: V(local), V(global) or V(swarm).
      type: str
      sample: local
    predefined:
      description: Whether this is one of the networks Docker creates itself (C(bridge), C(host), C(none)), which cannot be changed or removed.
      type: bool
      sample: false
    internal:
      description: Whether the network has no route to the outside.
      type: bool
      sample: false
    attachable:
      description: Whether standalone containers can attach to this swarm network.
      type: bool
      sample: false
    ingress:
      description: Whether this is the swarm routing-mesh network.
      type: bool
      sample: false
    enable_ipv6:
      description: Whether IPv6 is enabled on the network.
      type: bool
      sample: false
    enable_ipv4:
      description: Whether IPv4 is enabled on the network (false for an IPv6-only network); V(null) before Docker Engine 28.0 (API 1.48).
      type: bool
      sample: true
    gateway_mode_ipv4:
      description: Bridge option C(com.docker.network.bridge.gateway_mode_ipv4) (Docker Engine 27.0 and later), V(null) when not set.
      type: str
      sample: routed
    gateway_mode_ipv6:
      description: Bridge option C(com.docker.network.bridge.gateway_mode_ipv6) (Docker Engine 27.0 and later), V(null) when not set.
      type: str
      sample: null
    ipam:
      description: IP address management of the network.
      type: dict
      contains:
        driver:
          description: IPAM driver.
          type: str
          sample: default
        options:
          description: IPAM driver options.
          type: dict
          sample: {}
        subnets:
          description: One entry per subnet, in Docker's order.
          type: list
          elements: dict
          contains:
            subnet:
              description: Subnet in CIDR notation.
              type: str
              sample: 10.91.1.0/24
            gateway:
              description: Gateway address, without prefix length; V(null) when Docker did not record one.
              type: str
              sample: 10.91.1.1
            ip_range:
              description: The part of the subnet Docker assigns container addresses from; V(null) for the whole subnet.
              type: str
              sample: 10.91.1.128/25
            aux_addresses:
              description: Addresses reserved for other hosts, by host name.
              type: dict
              sample: {router: 10.91.1.2}
    options:
      description: Driver options.
      type: dict
      sample: {com.docker.network.bridge.name: br-backend}
    labels:
      description: Labels of the network.
      type: dict
      sample: {team: payments}
    config_only:
      description: Whether this network is only a configuration that other networks are created from (C(docker network create --config-only)).
      type: bool
      sample: false
    config_from:
      description: Name of the config-only network this network takes its configuration from, or V(null).
      type: str
      sample: null
    created:
      description: When the network was created, as Docker reports it (RFC 3339).
      type: str
      sample: '2026-11-27T18:27:36.004339652Z'
    containers:
      description: The containers attached to the network on this host, sorted by name.
      type: list
      elements: dict
      contains:
        name:
          description: Container name.
          type: str
          sample: web
        id:
          description: Full container ID.
          type: str
          sample: dd368833aaab9db9aa0d3cea7bad5242f9006b756d69458d254de2e220dcb934
        ipv4_address:
          description:
            - IPv4 address of the container on this network, without prefix length (the form C(docker run --ip) accepts).
            - V(null) when it has none, for example on the C(host) network.
          type: str
          sample: 10.91.1.50
        ipv6_address:
          description: Global IPv6 address of the container on this network without prefix length, or V(null).
          type: str
          sample: null
        mac_address:
          description: MAC address of the container's interface on this network, or V(null).
          type: str
          sample: 02:42:0a:5b:01:32
        aliases:
          description:
            - DNS aliases of the container on this network, in the order Docker keeps them.
            - The short container ID, which Docker Engine before API 1.45 adds by itself, is left out.
          type: list
          elements: str
          sample: [api]
        gw_priority:
          description:
            - The endpoint's gateway priority; the network with the highest one gives the container its default route.
            - V(null) before Docker Engine 28.0 (API 1.48), which has no such field.
          type: int
          sample: 0
        interface_name:
          description: The interface name asked for with C(com.docker.network.endpoint.ifname) (Docker Engine 28.0 and later), or V(null).
          type: str
          sample: null
        driver_opts:
          description: The endpoint's driver options as Docker keeps them (for example C(com.docker.network.endpoint.sysctls)).
          type: dict
          sample: {}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, connection_argspec
from ansible_collections.fleetnet.docker.plugins.module_utils._inspect import gather_networks
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module

ARGUMENT_SPEC = connection_argspec(names=dict(type='list', elements='str'), drivers=dict(type='list', elements='str'))


def run(module):
    """The networks asked for, with the engine's version; reads only."""
    client = DockerClient(module, local_socket=True)
    networks = gather_networks(client, names=module.params['names'], drivers=module.params['drivers'])
    # As the daemon reports it ("20.10.24+dfsg1": the distribution's build), where messages name the release.
    reported = client.version() or {}
    api_version = reported.get('ApiVersion') or client.engine_versions()[1]
    return dict(changed=False, networks=networks, engine=dict(version=reported.get('Version'), api_version=api_version))


def main():
    # Read-only: check mode has nothing to hold back.
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
