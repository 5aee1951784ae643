#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ipvlan_networks
short_description: Declare the Docker ipvlan networks of a host
version_added: 0.1.0
description:
  - Creates, changes (by lossless recreation), removes and reports Docker networks with the C(ipvlan) driver,
    which put containers on the LAN of a host interface (the parent) sharing the parent's MAC address,
    following the resource-module convention of O(config) plus O(state).
  - Docker only makes the ipvlan links when a container joins, so a kernel without ipvlan would show up late,
    as containers that do not start. Before creating or changing anything the module makes a throwaway ipvlan
    link inside an empty network namespace, and when the kernel cannot, fails naming the host.
  - Also manages ipvlan config-only networks (O(config[].config_only)); Docker reports those with the driver
    C(null), and this module counts one as its own when it has the C(ipvlan_mode) option (so O(config[].mode)
    is required on one).
  - Validated before any change as in M(fleetnet.docker.macvlan_networks); the parent must exist on the host
    (the error lists the host's interfaces), one ipvlan network per parent, and the rules of config-only networks.
  - See C(docs/macvlan.md) for when to use macvlan or ipvlan, the host shim and promiscuous mode.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - fleetnet.docker.network_resource
options:
  config:
    description:
      - The ipvlan networks. Options that are not given are not compared under O(state=merged) and take
        Docker's default under O(state=replaced) and O(state=overridden).
    type: list
    elements: dict
    suboptions:
      name:
        description: Network name. C(bridge), C(host) and C(none) are predefined and refused.
        type: str
        required: true
      parent:
        description:
          - Host interface the containers' ipvlan links stand on (C(parent) driver option), e.g. V(eth0).
          - V(eth0.20) makes Docker create the VLAN sub-interface with the network and remove it with the
            network; it only needs V(eth0) to exist. A sub-interface made by M(fleetnet.docker.parent_interfaces)
            is used as it is and never removed by a network.
          - When not given, Docker gives the network a dummy link of its own, so its containers reach only
            each other. Not allowed with O(config[].config_from).
        type: str
      mode:
        description:
          - ipvlan mode (C(ipvlan_mode) driver option). Docker behaves as V(l2) when it is not given, with containers
            are on the parent's LAN. V(l3) and V(l3s) route between the parent and the containers (no broadcast,
            the LAN needs routes to the subnets via the host); V(l3s) also passes the host's netfilter.
          - Not compared when not given, also under O(state=replaced). Required with O(config[].config_only).
        type: str
        choices: [l2, l3, l3s]
      flag:
        description:
          - ipvlan flag (C(ipvlan_flag) driver option). Docker's default is V(bridge), in which containers on the
            same parent reach each other directly; V(private) forbids it, V(vepa) sends it out to the switch.
        type: str
        choices: [bridge, private, vepa]
      subnets:
        description:
          - Address pools; in V(l2) mode normally the LAN of the parent, with an O(config[].subnets[].ip_range)
            per host that no other host or DHCP server hands out.
          - When not given, Docker allocates a pool from its default address pools.
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet in CIDR notation, without host bits.
            type: str
            required: true
          gateway:
            description: The LAN's router; Docker's default is the first address of the subnet.
            type: str
          ip_range:
            description: Sub-range (CIDR) of the subnet from which containers on this host get their addresses.
            type: str
          aux_addresses:
            description: Addresses inside the subnet that Docker must not hand out, by name (other devices on the LAN).
            type: dict
      enable_ipv6:
        description: Enable IPv6 on the network. Docker's default is V(false).
        type: bool
      internal:
        description:
          - No traffic to or from outside the network. Docker's default is V(false).
          - Docker then ignores the parent and gives the network a dummy link of its own.
        type: bool
      attachable:
        description:
          - For a swarm-scoped network (O(config[].scope=swarm)), allow standalone containers
            (C(docker run --network)) to attach, not only swarm services. Docker's default is V(false).
        type: bool
      config_only:
        description:
          - Make a config-only network, holding the parent, mode, flag, subnets and ip_range of this node for a
            swarm-scoped network made from it with O(config[].config_from). It carries no containers itself.
          - Needs O(config[].parent); O(config[].internal), O(config[].attachable) and O(config[].scope=swarm)
            belong on the network made from it. Docker's default is V(false).
        type: bool
      config_from:
        description:
          - Name of a config-only network to take the parent, mode, flag, subnets and driver options from. On a swarm
            manager with O(config[].scope=swarm), one network for the whole swarm, which every node builds from
            its own config-only network of that name.
          - O(config[].parent), O(config[].mode), O(config[].flag), O(config[].subnets), O(config[].driver_opts),
            O(config[].labels) and O(config[].enable_ipv6) cannot be given with it.
        type: str
      scope:
        description:
          - V(swarm) makes a swarm-scoped network (on a manager, with O(config[].config_from)).
            Docker's default is V(local).
        type: str
        choices: [local, swarm]
      labels:
        description:
          - Labels of the network. Under O(state=merged) labels on the host that are not listed are kept;
            under O(state=replaced) they are a difference.
        type: dict
      driver_opts:
        description: Other driver options, passed to Docker as they are; booleans are sent as C(true)/C(false).
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
  - module: fleetnet.docker.parent_interfaces
  - module: fleetnet.docker.macvlan_networks
  - module: fleetnet.docker.networks_info
'''

EXAMPLES = r'''
- name: Containers on the LAN of eth0, sharing its MAC address (where a switch allows one MAC per port)
  fleetnet.docker.ipvlan_networks:
    config:
      - name: lan
        parent: eth0
        mode: l2
        subnets:
          - subnet: 192.168.10.0/24
            gateway: 192.168.10.1
            ip_range: "{{ lan_ip_range }}"

- name: A routed (L3) network; the LAN routes 10.20.1.0/24 to this host
  fleetnet.docker.ipvlan_networks:
    config:
      - name: routed
        parent: eth0
        mode: l3
        subnets:
          - subnet: 10.20.1.0/24

- name: What would be sent to Docker, without a daemon
  fleetnet.docker.ipvlan_networks:
    state: rendered
    config:
      - name: lan
        parent: eth0
        flag: private
  delegate_to: localhost
'''

RETURN = r'''
before:
  description: The host's ipvlan networks (and ipvlan config-only networks) before the run, in the O(config) format.
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
  description:
    - What happened (or, in check mode, would happen) to each network concerned, with C(name), C(action)
      (V(created), V(recreated), V(deleted), V(updated) or V(unchanged)), C(differences) and C(containers),
      as for M(fleetnet.docker.bridge_networks).
  returned: when O(state) is merged, replaced, overridden or deleted
  type: list
  elements: dict
  sample: [{name: lan, action: created, differences: []}]
gathered:
  description: The host's ipvlan networks in the O(config) format; fed back with O(state=replaced) they change nothing.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample:
    - name: lan
      parent: eth0
      mode: l2
      flag: bridge
      subnets: [{subnet: 192.168.10.0/24, gateway: 192.168.10.1, ip_range: 192.168.10.64/27, aux_addresses: {}}]
      enable_ipv6: false
      internal: false
      attachable: false
      config_only: false
      scope: local
      labels: {}
      driver_opts: {}
rendered:
  description: Engine API bodies of C(POST /networks/create), one per network.
  returned: when O(state=rendered)
  type: list
  elements: dict
errors:
  description: Every validation problem, one line each, when the run failed validation.
  returned: failure
  type: list
  elements: str
'''

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import NetworkModule, run_module

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.ipvlan import IpvlanDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec, run_state

DRIVER = IpvlanDriver


def main():
    module = NetworkModule(argument_spec=network_module_argspec(DRIVER), supports_check_mode=True)
    run_module(module, run_state, DRIVER(module))


if __name__ == '__main__':
    main()
