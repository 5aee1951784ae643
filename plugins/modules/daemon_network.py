#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: daemon_network
short_description: Declare the network settings of a host's Docker daemon (daemon.json)
version_added: 0.1.0
description:
  - Sets the network keys of the daemon's configuration file (the default bridge, default address pools,
    firewall, DNS and live restore) and leaves every other key, the file's mode and its owner as they are.
  - The file is the one the running dockerd was started with (its C(--config-file)), else O(config_path).
  - The whole input is validated before anything changes; see the notes. Each key needs the engine version
    that knows it (see docs/daemon_network.md).
  - The daemon reads the file only when it starts. The module reports RV(restart_needed) and restarts the
    daemon only with O(restart=true), then waits until it answers and checks that the settings are in effect.
  - Runs on the Docker host itself (the daemon's file and process are local).
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
options:
  config:
    description:
      - The network keys, named like dockerd's with C(_) for C(-) (O(config.fixed_cidr) is C(fixed-cidr)).
      - Under O(state=merged) a key that is not given keeps its value in the file; under O(state=replaced)
        the network keys that are not given are removed from the file (dockerd's defaults then apply).
    type: dict
    suboptions:
      bip:
        description: Address and prefix length of the default bridge (docker0), for example V(10.10.0.1/24).
        type: str
      bip6:
        description: IPv6 address and prefix length of the default bridge (Engine 28.0+).
        type: str
      fixed_cidr:
        description: IPv4 range (CIDR, inside O(config.bip)'s subnet) from which containers on the default bridge get addresses.
        type: str
      fixed_cidr_v6:
        description: IPv6 subnet of the default bridge's containers.
        type: str
      default_address_pools:
        description:
          - Pools from which Docker takes the subnets of networks created without one.
          - A pool that is not yet in the file must not overlap another pool, a Docker network of the host or
            an address or route of the host's interfaces.
        type: list
        elements: dict
        suboptions:
          base:
            description: The pool (CIDR, without host bits).
            type: str
            required: true
          size:
            description: Prefix length of each network taken from the pool.
            type: int
            required: true
      mtu:
        description: MTU of the default bridge's containers.
        type: int
      ipv6:
        description: Enable IPv6 on the default bridge.
        type: bool
      ip6tables:
        description: Let Docker add ip6tables rules (experimental before Engine 27.0).
        type: bool
      iptables:
        description: Let Docker add iptables rules.
        type: bool
      ip_forward:
        description: Let Docker enable IP forwarding in the kernel.
        type: bool
      ip_masq:
        description: Masquerade traffic leaving the default bridge.
        type: bool
      icc:
        description: Allow traffic between containers on the default bridge; V(false) needs iptables.
        type: bool
      userland_proxy:
        description: Use the userland proxy for published ports.
        type: bool
      default_gateway:
        description: Default IPv4 gateway of the default bridge's containers (inside O(config.bip)'s subnet).
        type: str
      default_gateway_v6:
        description: Default IPv6 gateway of the default bridge's containers.
        type: str
      dns:
        description: DNS servers of containers.
        type: list
        elements: str
      dns_opts:
        description: Resolver options of containers, for example V(ndots:2).
        type: list
        elements: str
      dns_search:
        description: DNS search domains of containers.
        type: list
        elements: str
      default_network_opts:
        description:
          - 'Default driver options of new networks, by driver, for example C({"bridge": {"com.docker.network.driver.mtu": "1400"}})
            (Engine 24.0+).'
        type: dict
      allow_direct_routing:
        description: Accept packets routed directly to containers from any interface (Engine 28.2+).
        type: bool
      firewall_backend:
        description: Firewall backend (Engine 29.0+).
        type: str
        choices: [iptables, nftables]
      live_restore:
        description: Keep containers running while the daemon restarts. Docker refuses it in swarm mode.
        type: bool
  state:
    description:
      - V(merged) sets the given keys, V(replaced) also removes the network keys not given,
        V(gathered) returns the file's network keys in the O(config) format and changes nothing.
    type: str
    default: merged
    choices: [merged, replaced, gathered]
  config_path:
    description: The configuration file when the running dockerd names none with C(--config-file).
    type: path
    default: /etc/docker/daemon.json
  restart:
    description:
      - Restart the daemon when it does not run with the file's settings yet (RV(restart_needed)).
      - A restart stops running containers unless live restore is on before and after it; then the module
        refuses, naming them, unless O(allow_container_restart=true).
    type: bool
    default: false
  allow_container_restart:
    description: Allow a restart that stops running containers.
    type: bool
    default: false
  restart_command:
    description:
      - The command (split like a shell would, run without one) that restarts this host's dockerd.
      - When the task does not set it, the host variable C(fleetnet_docker_restart_command) does
        (the sandbox fleet's inventory sets it); otherwise it is V(systemctl restart docker).
    type: str
    default: systemctl restart docker
  restart_timeout:
    description: Seconds to wait for the restarted daemon to answer.
    type: int
    default: 90
notes:
  - "Validated before any change: CIDRs and host bits; O(config.fixed_cidr) inside O(config.bip)'s subnet (and the v6 pair);
    gateways inside the bridge subnet; pools against each other, the host's Docker networks (by name) and the
    addresses and routes of its interfaces (by name); each key against the engine version; each key in the file
    against the running dockerd's command-line flags (dockerd refuses to start when a setting is in both);
    live restore against swarm mode; and, on Engine 23.0+, C(dockerd --validate) on the new file."
  - Supports check mode and diff mode (the file's text before and after).
  - If the restarted daemon does not answer, the previous file is put back and the daemon restarted with it.
'''

EXAMPLES = r'''
- name: Default bridge and address pools of every Docker host, restarting the daemon when needed
  fleetnet.docker.daemon_network:
    config:
      bip: 10.10.0.1/24
      fixed_cidr: 10.10.0.0/25
      mtu: 1450
      default_address_pools:
        - {base: 10.20.0.0/16, size: 24}
    restart: true

- name: Keep containers running through daemon restarts from now on
  fleetnet.docker.daemon_network:
    config:
      live_restore: true
    restart: true
    allow_container_restart: true

- name: Exactly these network keys; other network keys go, non-network keys stay
  fleetnet.docker.daemon_network:
    state: replaced
    config:
      default_address_pools:
        - {base: 10.30.0.0/16, size: 24}

- name: Read the network keys of daemon.json
  fleetnet.docker.daemon_network:
    state: gathered
  register: daemon
'''

RETURN = r'''
config:
  description: The file's network keys after the run (in check mode, as they would be), in the O(config) format.
  returned: always
  type: dict
  sample: {bip: 10.10.0.1/24, mtu: 1450}
before:
  description: The file's network keys before the run.
  returned: unless O(state=gathered)
  type: dict
changed_keys:
  description: Keys whose value changes in the file.
  returned: unless O(state=gathered)
  type: list
  elements: str
config_path:
  description: The configuration file of the running dockerd.
  returned: always
  type: str
  sample: /etc/docker/daemon.json
engine_version:
  description: The daemon's engine version (GET /version).
  returned: always
  type: str
  sample: 28.5.2
restart_needed:
  description: The daemon does not run with the file's settings (the file changed after the daemon started).
  returned: always
  type: bool
restarted:
  description: The daemon was restarted (in check mode, would be).
  returned: unless O(state=gathered)
  type: bool
validated:
  description: C(dockerd --validate) accepted the new file (false when the file did not change or the engine lacks it).
  returned: unless O(state=gathered)
  type: bool
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._client import connection_argspec
from ansible_collections.fleetnet.docker.plugins.module_utils._daemon_network import MODULE_OPTIONS, run
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module


def main():
    module = AnsibleModule(argument_spec=connection_argspec(**MODULE_OPTIONS), supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
