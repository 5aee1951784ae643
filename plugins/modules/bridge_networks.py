#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bridge_networks
short_description: Declare the Docker bridge networks of a host
version_added: 0.1.0
description:
  - Creates, changes (by lossless recreation), removes and reports Docker networks with the C(bridge) driver,
    following the resource-module convention of O(config) plus O(state).
  - One invocation handles the whole list; see the notes for what is validated before any change.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - fleetnet.docker.network_resource
options:
  config:
    description:
      - The bridge networks. Options that are not given are not compared under O(state=merged) and take
        Docker's default under O(state=replaced) and O(state=overridden).
    type: list
    elements: dict
    suboptions:
      name:
        description: Network name. C(bridge), C(host) and C(none) are predefined and refused.
        type: str
        required: true
      subnets:
        description:
          - IPv4 and IPv6 address pools. When not given, Docker allocates a pool from its default address pools.
          - Subnets are compared in canonical form, so V(fd00:0::/64) equals V(fd00::/64).
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet in CIDR notation, without host bits.
            type: str
            required: true
          gateway:
            description: Gateway address inside O(config[].subnets[].subnet); Docker's default is its first address.
            type: str
          ip_range:
            description: Sub-range (CIDR) of the subnet from which containers get dynamic addresses.
            type: str
          aux_addresses:
            description: Addresses inside the subnet that Docker must not hand out, by name.
            type: dict
      enable_ipv6:
        description: Enable IPv6 on the network; needed for IPv6 subnets. Docker's default is V(false).
        type: bool
      enable_ipv4:
        description:
          - Give the network IPv4 (C(EnableIPv4) of the Engine API). Docker's default is V(true).
          - V(false) makes an IPv6-only network, whose containers get no IPv4 address; it needs
            O(config[].enable_ipv6=true) and takes no IPv4 subnet. It needs Docker Engine 28.0 (API 1.48)
            or later; an older host fails before anything changes. V(true) is accepted on every engine and not sent.
          - Docker cannot change it in place, so a different value recreates the network.
        type: bool
      internal:
        description: Cut the network off from outside traffic. Docker's default is V(false).
        type: bool
      attachable:
        description: Allow manually started containers to attach. Docker's default is V(false).
        type: bool
      bridge_name:
        description:
          - Name of the Linux bridge on the host (C(com.docker.network.bridge.name)).
            Docker's default is C(br-) and the first 12 characters of the network ID.
        type: str
      mtu:
        description: MTU of the bridge and container interfaces (C(com.docker.network.driver.mtu)).
        type: int
      enable_icc:
        description: Allow traffic between containers (C(com.docker.network.bridge.enable_icc)). Docker's default is V(true).
        type: bool
      enable_ip_masquerade:
        description:
          - Masquerade outgoing traffic (C(com.docker.network.bridge.enable_ip_masquerade)). Docker's default is V(true).
        type: bool
      host_binding_ipv4:
        description:
          - Default host address for published ports (C(com.docker.network.bridge.host_binding_ipv4)).
            Docker's default is V(0.0.0.0).
        type: str
      gateway_mode_ipv4:
        description:
          - How IPv4 traffic of the network leaves the host (C(com.docker.network.bridge.gateway_mode_ipv4)).
            Docker's default is V(nat).
          - V(nat) masquerades it behind the host's address. V(routed) sends it unchanged, with the containers'
            own addresses, and lets traffic from outside reach them by those addresses; the rest of the network
            needs a route to the subnet through this host (for example on the other hosts of a fleet).
          - V(nat-unprotected) is NAT without the rules that keep outside traffic off ports that are not published.
            V(isolated) gives the bridge no gateway address at all; it needs O(config[].internal=true).
          - V(nat) and V(routed) need Docker Engine 27.0 (API 1.46) or later, V(nat-unprotected) and V(isolated)
            Engine 28.0 (API 1.48). An older host fails before anything changes, naming the version needed and its
            own; V(nat) is accepted on every engine (it is what older ones do) and then not sent.
          - Docker cannot change it in place, so a different value recreates the network, keeping its containers.
        type: str
        choices: [nat, routed, nat-unprotected, isolated]
      gateway_mode_ipv6:
        description:
          - The same for IPv6 traffic (C(com.docker.network.bridge.gateway_mode_ipv6)), on a network with
            O(config[].enable_ipv6=true). Docker's default is V(nat); the same engine versions apply.
        type: str
        choices: [nat, routed, nat-unprotected, isolated]
      trusted_host_interfaces:
        description:
          - Host interfaces whose traffic may reach the containers' own addresses directly, on any port, as
            traffic from the host itself may (C(com.docker.network.bridge.trusted_host_interfaces), stored
            joined by C(:)). Compared as a set. Docker's default is none.
          - Needs Docker Engine 28.2 (API 1.50) or later; an older host fails before anything changes.
        type: list
        elements: str
      host_ipv4:
        description:
          - The source address of the network's outgoing, masqueraded IPv4 traffic (C(com.docker.network.host_ipv4));
            Docker rewrites it to this address of the host instead of the outgoing interface's. Docker's default
            is the outgoing interface's address. Works on every engine this collection supports.
        type: str
      host_ipv6:
        description:
          - The same for IPv6 traffic (C(com.docker.network.host_ipv6)). Needs Docker Engine 25.0 (API 1.44) or later;
            an older host fails before anything changes.
        type: str
      labels:
        description:
          - Labels of the network. Under O(state=merged) labels on the host that are not listed are kept;
            under O(state=replaced) they are a difference.
        type: dict
      driver_opts:
        description:
          - Other driver options, passed to Docker as they are; booleans are sent as C(true)/C(false).
          - Options that have their own parameter above (such as C(com.docker.network.bridge.name)) are refused here.
        type: dict
      containers:
        description:
          - Containers attached to this network. Under O(state=merged) they are connected;
            under O(state=replaced) and O(state=overridden) exactly these are attached.
          - When not given, attachments are never touched, whatever the state. Not used by O(state=deleted).
          - A changed endpoint (aliases, addresses,
            O(config[].containers[].gw_priority), O(config[].containers[].interface_name),
            O(config[].containers[].driver_opts)) is disconnected and connected again, because Docker cannot change an
            endpoint in place; the C(actions) result and the diff name each reconnected container and what changed.
        type: list
        elements: dict
        suboptions:
          name:
            description: Container name.
            type: str
            required: true
          aliases:
            description: Network-scoped aliases. Docker's automatic short container ID alias is not counted.
            type: list
            elements: str
          ipv4_address:
            description: Static IPv4 address; needs O(config[].subnets).
            type: str
          ipv6_address:
            description: Static IPv6 address; needs O(config[].subnets).
            type: str
          mac_address:
            description:
              - The MAC address the container's interface on this network must have (unicast, six hexadecimal pairs).
              - From Docker Engine 29.3 (API 1.54) Docker applies a MAC address given on connect, so a container
                attached with another one is disconnected and connected again with it (like a change of
                O(config[].containers[].gw_priority)), and a recreate of the network keeps every container's MAC address.
              - Before 29.3 a check, never a change. Docker applies a MAC address given when the container is created
                (C(docker run --network name=NET,mac-address=MAC)) but not one given on connect (Docker 26.1 and
                28.5 ignore it there, the container gets the MAC address it would get without it), so a container
                attached with another MAC address, or not attached yet, is refused before any change, saying how to set it.
              - Needs Docker Engine 25.0 (API 1.44) or later; on an older engine the run fails before any change.
                Older engines derive the MAC address from the IPv4 address; later ones pick a random one when none is set,
                and before 29.3 a recreate of the network does not keep it.
            type: str
          gw_priority:
            description:
              - Which network gives the container its default route. The network with the highest priority wins;
                on a tie Docker takes the network whose name sorts first. Docker's default is V(0); negative values are allowed.
              - Needs Docker Engine 28.0 (API 1.48) or later; on an older engine the run fails before any change
                (V(0), what every engine does without it, is accepted everywhere).
            type: int
          interface_name:
            description:
              - Name of the container's interface on this network (the endpoint driver option
                C(com.docker.network.endpoint.ifname)), at most 15 characters. When not given, Docker names it C(ethN).
              - Needs Docker Engine 28.0 (API 1.48) or later; on an older engine the run fails before any change.
              - A recreate of the network keeps the name each container's interface has, on Docker 28.0 and later
                whether or not it was set here.
            type: str
          driver_opts:
            description:
              - Driver options of the container's endpoint on this network (C(docker network connect --driver-opt)),
                for example per-interface sysctls under C(com.docker.network.endpoint.sysctls)
                (C(net.ipv4.conf.IFNAME.log_martians=1,...)), which needs Docker Engine 27.0 (API 1.46) or later.
              - Under O(state=merged) options the endpoint has and that are not listed are kept; under
                O(state=replaced) and O(state=overridden) the endpoint has exactly these.
              - C(com.docker.network.endpoint.ifname) is set with O(config[].containers[].interface_name).
            type: dict
seealso:
  - module: fleetnet.docker.networks_info
'''

EXAMPLES = r'''
- name: Two application networks on every Docker host
  fleetnet.docker.bridge_networks:
    config:
      - name: frontend
        subnets:
          - subnet: 10.92.1.0/24
            gateway: 10.92.1.1
            ip_range: 10.92.1.128/25
        labels:
          team: web
      - name: backend
        internal: true
        enable_icc: true
        mtu: 1450
        subnets:
          - subnet: 10.92.2.0/24

- name: Attach a container with a fixed address and alias
  fleetnet.docker.bridge_networks:
    config:
      - name: frontend
        subnets:
          - subnet: 10.92.1.0/24
        containers:
          - name: proxy
            ipv4_address: 10.92.1.10
            aliases: [web]

- name: A routed network (Docker Engine 27.0 or later) whose containers are reached by their own addresses
  fleetnet.docker.bridge_networks:
    config:
      - name: edge
        gateway_mode_ipv4: routed
        subnets:
          - subnet: 10.92.3.0/24

- name: An IPv6-only network (Docker Engine 28.0 or later)
  fleetnet.docker.bridge_networks:
    config:
      - name: v6only
        enable_ipv4: false
        enable_ipv6: true
        subnets:
          - subnet: fd00:92:4::/64

- name: Read the bridge networks as config
  fleetnet.docker.bridge_networks:
    state: gathered
  register: bridges

- name: Make exactly these the host's bridge networks, refusing any recreate
  fleetnet.docker.bridge_networks:
    state: overridden
    recreate: never
    config: "{{ bridges.gathered }}"

- name: Remove a network
  fleetnet.docker.bridge_networks:
    state: deleted
    config:
      - name: backend
'''

RETURN = r'''
before:
  description: This driver's networks on the host before the run, in the O(config) format (without containers).
  returned: when O(state) is merged, replaced, overridden or deleted
  type: list
  elements: dict
after:
  description:
    - The same after the run; in check mode what it would be.
    - Only when something changed (or would); a run that changes nothing returns RV(before) alone, as
      Ansible's network resource modules do.
  returned: when O(state) is merged, replaced, overridden or deleted and C(changed) is true
  type: list
  elements: dict
actions:
  description: What happened (or, in check mode, would happen) to each network concerned.
  returned: when O(state) is merged, replaced, overridden or deleted
  type: list
  elements: dict
  contains:
    name:
      description: Network name.
      type: str
      sample: frontend
    action:
      description: V(created), V(recreated), V(deleted), V(updated) (container attachments only) or V(unchanged).
      type: str
      sample: recreated
    differences:
      description: The options that differed from the host and caused the action.
      type: list
      elements: str
      sample: [subnets, labels]
    containers:
      description:
        - Container names under C(connected), C(reconnected), C(disconnected) and C(restored) (reconnected after a recreate).
        - "C(changes) says, per reconnected container, what changed, for example C(gw_priority: 0 -> 10)."
      type: dict
      returned: when containers were involved
      sample: {reconnected: [proxy], changes: {proxy: ['gw_priority: 0 -> 10']}}
    reason:
      description:
        - Why O(state=overridden) kept a network that is not listed (for example the swarm's C(docker_gwbridge),
          the ingress network, or a swarm-scoped network seen on a swarm worker); its action is V(unchanged).
      type: str
      returned: when a network was kept
      sample: 'not listed, but kept: the swarm routing mesh (ingress) network'
gathered:
  description: The host's bridge networks (except the predefined C(bridge)) in the O(config) format.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample:
    - name: frontend
      subnets: [{subnet: 10.92.1.0/24, gateway: 10.92.1.1, aux_addresses: {}}]
      enable_ipv4: true
      enable_ipv6: false
      internal: false
      attachable: false
      enable_icc: true
      enable_ip_masquerade: true
      host_binding_ipv4: 0.0.0.0
      gateway_mode_ipv4: nat
      gateway_mode_ipv6: nat
      labels: {}
      driver_opts: {}
rendered:
  description: Engine API bodies of C(POST /networks/create), one per network.
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - Name: frontend
      Driver: bridge
      CheckDuplicate: true
      Options: {}
      IPAM: {Driver: default, Config: [{Subnet: 10.92.1.0/24}], Options: {}}
      Labels: {}
      Internal: false
      EnableIPv6: false
      Attachable: false
errors:
  description: Every validation problem, one line each, when the run failed validation.
  returned: failure
  type: list
  elements: str
  sample: ['network "lan" on h2: subnet 10.1.0.0/24 overlaps network "legacy" (10.1.0.0/16)']
'''

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import NetworkModule, run_module

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.bridge import BridgeDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec, run_state

DRIVER = BridgeDriver


def main():
    module = NetworkModule(argument_spec=network_module_argspec(DRIVER), supports_check_mode=True)
    run_module(module, run_state, DRIVER(module))


if __name__ == '__main__':
    main()
