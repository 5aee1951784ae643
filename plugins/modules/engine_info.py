#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: engine_info
short_description: Engine, swarm membership, addresses, routes and ESP support of a Docker host
version_added: 0.1.0
description:
  - Returns the Docker Engine version and API version of the managed node, its swarm membership as the daemon
    reports it, the host's own interface addresses and routes (read with iproute2), and whether its kernel can
    carry encrypted overlay traffic (IPsec ESP with AES-GCM).
  - The fleet report (playbook C(fleetnet.docker.report)) uses it to tell which hosts route to each other and
    which hosts cannot pass encrypted overlay traffic.
  - With O(networks) and O(routes_protocol) it also returns what M(fleetnet.docker.networks_info) and
    M(fleetnet.docker.host_routes) (O(fleetnet.docker.host_routes#module:state=gathered)) would, so that a role reads
    a host once (the bridge role does).
  - Never changes anything. The ESP check adds a throwaway security association in a new, empty network
    namespace, which vanishes with the check; the host's own network is not touched.
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
  networks:
    description: Also return the host's networks (RV(networks)), as M(fleetnet.docker.networks_info) does.
    type: bool
    default: false
  routes_protocol:
    description:
      - Also return RV(host_prefixes) - the host's addresses and routes that are not of this routing protocol - as
        M(fleetnet.docker.host_routes) with O(fleetnet.docker.host_routes#module:state=gathered) and this O(fleetnet.docker.host_routes#module:protocol) does.
    type: int
  esp:
    description: Check whether the kernel can carry encrypted overlay traffic (RV(esp)). V(false) skips the check, and RV(esp) is not returned.
    type: bool
    default: true
seealso:
  - module: fleetnet.docker.networks_info
  - module: fleetnet.docker.probe
'''

EXAMPLES = r'''
- name: Read the engine of every Docker host
  fleetnet.docker.engine_info:
  register: engine

- name: Show it
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: Docker {{ engine.engine.version }} (API {{ engine.engine.api_version }}), ESP {{ engine.esp.available }}"
'''

RETURN = r'''
engine:
  description: The Docker Engine of the host.
  returned: success
  type: dict
  contains:
    name:
      description: The host name the daemon reports (C(docker info) Name).
      type: str
      sample: h1
    version:
      description: Engine version.
      type: str
      sample: 28.5.2
    api_version:
      description: Highest Engine API version the daemon speaks.
      type: str
      sample: '1.51'
    os:
      description: Operating system the daemon reports.
      type: str
      sample: Debian GNU/Linux 12 (bookworm)
    kernel:
      description: Kernel version.
      type: str
      sample: 6.1.0-28-amd64
    firewall_backend:
      description:
        - The firewall backend the daemon uses for its networks, V(iptables) or V(nftables) (Docker 29.0 added
          nftables, C(firewall-backend) in C(daemon.json)), with C(+firewalld) when firewalld manages the host's
          firewall. An engine before 28.1 does not report it and always uses iptables.
        - The fleet report flags a fleet whose hosts use different backends.
      type: str
      sample: iptables
swarm:
  description: The host's swarm membership as the daemon reports it.
  returned: success
  type: dict
  contains:
    local_node_state:
      description: V(inactive), V(pending), V(active), V(error) or V(locked).
      type: str
    node_id:
      description: This node's swarm node ID, or V(null).
      type: str
    node_address:
      description: This node's swarm address, or V(null).
      type: str
    manager:
      description: Whether this node is a swarm manager.
      type: bool
addresses:
  description: The host's interface addresses with prefix length, except loopback and link-local ones.
  returned: success
  type: list
  elements: dict
  sample: [{interface: eth0, address: 10.231.0.11/24}]
routes:
  description: The host's IPv4 and IPv6 routes other than the default route, as iproute2 shows them.
  returned: success
  type: list
  elements: dict
  sample: [{destination: 10.240.3.0/24, gateway: 10.231.0.12, interface: eth0}]
esp:
  description: Whether the kernel can carry encrypted overlay traffic.
  returned: unless O(esp=false)
  type: dict
  contains:
    available:
      description: V(true) when the check passed or could not tell (not root), V(false) when the kernel refused.
      type: bool
    reason:
      description: The kernel's answer when it refused, else V(null).
      type: str
networks:
  description: The host's networks, in the format of M(fleetnet.docker.networks_info)'s RV(fleetnet.docker.networks_info#module:networks).
  returned: when O(networks=true)
  type: list
  elements: dict
host_prefixes:
  description:
    - The host's addresses and routes that are not of O(routes_protocol), as M(fleetnet.docker.host_routes) gathers
      them - C(interface), C(prefix) and C(kind) (V(address) or V(route)) each.
  returned: when O(routes_protocol) is given
  type: list
  elements: dict
  sample: [{interface: eth0, prefix: 10.231.0.0/24, kind: address}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, connection_argspec
from ansible_collections.fleetnet.docker.plugins.module_utils._host_routes import read_host_prefixes
from ansible_collections.fleetnet.docker.plugins.module_utils._inspect import gather_networks
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import ip_json
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.overlay import esp_problem
from ansible_collections.fleetnet.docker.plugins.module_utils._report.host import addresses_from_json, routes_from_json


def firewall_backend(info):
    """GET /info's FirewallBackend (API 1.49, Docker 28.1): its Driver; an engine before it uses iptables."""
    return (info.get('FirewallBackend') or {}).get('Driver') or 'iptables'


def run(module):
    """What the engine, its swarm membership and the host's addresses and routes are; reads only."""
    client = DockerClient(module)
    version = client.call('reading the engine version', client.read_version)
    info = client.call('reading the daemon information', client.read_info)
    swarm = info.get('Swarm') or {}
    routes = ip_json(module, '-4', 'route', 'show') + ip_json(module, '-6', 'route', 'show')
    params = module.params
    result = dict(
        changed=False,
        engine=dict(
            name=info.get('Name'),
            version=version.get('Version'),
            api_version=version.get('ApiVersion'),
            os=info.get('OperatingSystem'),
            kernel=info.get('KernelVersion'),
            firewall_backend=firewall_backend(info),
        ),
        swarm=dict(
            local_node_state=swarm.get('LocalNodeState') or 'inactive',
            node_id=swarm.get('NodeID') or None,
            node_address=swarm.get('NodeAddr') or None,
            manager=bool(swarm.get('ControlAvailable')),
        ),
        addresses=addresses_from_json(ip_json(module, 'addr', 'show')),
        routes=routes_from_json(routes),
    )
    if params['esp']:
        esp = esp_problem(module)
        result['esp'] = dict(available=esp is None, reason=esp)
    if params['networks']:
        result['networks'] = gather_networks(client)
    if params['routes_protocol'] is not None:
        result['host_prefixes'] = read_host_prefixes(module, params['routes_protocol'])
    return result


def main():
    argument_spec = connection_argspec()
    argument_spec.update(networks=dict(type='bool', default=False), routes_protocol=dict(type='int'),
                         esp=dict(type='bool', default=True))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
