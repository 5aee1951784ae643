#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: plugin_networks
short_description: Declare the Docker networks of a host whose driver is a third-party plugin
version_added: 0.1.0
description:
  - Creates, changes (by lossless recreation), removes and reports Docker networks whose driver is a network
    plugin (a managed plugin installed with M(fleetnet.docker.network_plugins), or a legacy plugin with a socket
    or spec file in Docker's plugin folders), following the resource-module convention of O(config) plus O(state).
  - Each network names its own O(config[].driver). Before anything changes, every driver (and IPAM driver) is
    checked against the host; one that is not installed or not enabled fails the run with an error naming the
    host, the network, the driver and the plugins the host does have.
  - A managed plugin registers its driver under its full name with the tag (C(my-driver:latest)); Docker 20.10
    does not find C(my-driver) without it. The module accepts either and uses the name the host registered.
  - The networks of this module are those whose driver is not built into Docker (C(bridge), C(overlay),
    C(macvlan), C(ipvlan), C(host), C(null)); O(state=overridden) removes the host's other networks on plugin
    drivers, whichever plugin they use.
  - See C(docs/plugins.md) for plugins, and for the predefined C(host) and C(none) networks.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - fleetnet.docker.network_resource
options:
  config:
    description:
      - The networks on plugin drivers. Options that are not given are not compared under O(state=merged) and take
        Docker's default under O(state=replaced) and O(state=overridden).
    type: list
    elements: dict
    suboptions:
      name:
        description: Network name. C(bridge), C(host) and C(none) are predefined and refused.
        type: str
        required: true
      driver:
        description:
          - The network plugin, for example V(weave) or V(my-driver:latest). A managed plugin without a tag means
            its V(latest) tag.
          - Required, except with O(state=deleted). A different driver than the host's network has is a difference
            (the network is recreated on the new driver).
        type: str
      driver_opts:
        description: Options for the plugin, passed to Docker as they are; booleans are sent as C(true)/C(false).
        type: dict
      ipam_driver:
        description:
          - IPAM driver that hands out the network's addresses. Docker's default is V(default), its own; another
            value names an IPAM plugin, checked like O(config[].driver).
          - With an IPAM plugin, subnets are not checked against the host's other networks (the plugin keeps its
            own address spaces).
        type: str
      ipam_options:
        description: Options for the IPAM driver. Under O(state=replaced) not given means none.
        type: dict
      subnets:
        description:
          - Address pools. When not given, the IPAM driver allocates one (Docker's own from its default address
            pools).
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet in CIDR notation, without host bits.
            type: str
            required: true
          gateway:
            description: Gateway address; Docker's default IPAM takes the first address of the subnet.
            type: str
          ip_range:
            description: Sub-range (CIDR) of the subnet from which containers get their addresses.
            type: str
          aux_addresses:
            description: Addresses inside the subnet that must not be handed out, by name.
            type: dict
      enable_ipv6:
        description: Enable IPv6 on the network. Docker's default is V(false).
        type: bool
      internal:
        description: No traffic to or from outside the network, as far as the plugin implements it. Docker's default is V(false).
        type: bool
      attachable:
        description: For a swarm-scoped network, allow standalone containers to attach. Docker's default is V(false).
        type: bool
      scope:
        description:
          - The network's scope. When not given, the plugin's own scope (from its capabilities) applies, and
            it is never a difference.
        type: str
        choices: [local, global, swarm]
      labels:
        description:
          - Labels of the network. Under O(state=merged) labels on the host that are not listed are kept;
            under O(state=replaced) they are a difference.
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
notes:
  - O(state=rendered) does not contact a host, so it shows O(config[].driver) as given; on the host a managed
    plugin's name gets its tag.
seealso:
  - module: fleetnet.docker.network_plugins
  - module: fleetnet.docker.networks_info
'''

EXAMPLES = r'''
- name: A network on the weave plugin, installed before with fleetnet.docker.network_plugins
  fleetnet.docker.plugin_networks:
    config:
      - name: backend
        driver: weave
        attachable: true
        subnets:
          - subnet: 10.32.0.0/16
        labels:
          app: shop

- name: Exactly these plugin networks on the host, removing any other network on a plugin driver
  fleetnet.docker.plugin_networks:
    state: overridden
    config:
      - name: backend
        driver: weave:latest
        attachable: true
        subnets:
          - subnet: 10.32.0.0/16
        labels:
          app: shop

- name: Addresses from an IPAM plugin
  fleetnet.docker.plugin_networks:
    config:
      - name: datacenter
        driver: my-driver
        ipam_driver: my-ipam
        ipam_options:
          pool: rack-12

- name: Read the host's networks on plugin drivers, in the config format
  fleetnet.docker.plugin_networks:
    state: gathered
  register: plugin_nets

- name: Remove a network
  fleetnet.docker.plugin_networks:
    state: deleted
    config:
      - name: backend
'''

RETURN = r'''
before:
  description: The host's networks on plugin drivers before the run, in the O(config) format.
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
  sample: [{name: backend, action: created, differences: []}]
gathered:
  description: The host's networks on plugin drivers in the O(config) format; fed back with O(state=replaced) they change nothing.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample:
    - name: backend
      driver: weave:latest
      scope: local
      ipam_driver: default
      ipam_options: {}
      subnets: [{subnet: 10.32.0.0/16, gateway: 10.32.0.1, aux_addresses: {}}]
      enable_ipv6: false
      internal: false
      attachable: true
      labels: {app: shop}
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

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.plugin import PluginDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec, run_state

DRIVER = PluginDriver


def main():
    module = NetworkModule(argument_spec=network_module_argspec(DRIVER), supports_check_mode=True)
    run_module(module, run_state, DRIVER(module))


if __name__ == '__main__':
    main()
