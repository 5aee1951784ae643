#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: overlay_networks
short_description: Declare the overlay networks of a Docker swarm
version_added: 0.1.0
description:
  - Creates, changes (by lossless recreation), removes and reports Docker networks with the C(overlay)
    driver, which span the nodes of a swarm, following the resource-module convention of O(config) plus O(state).
  - Runs on a swarm manager. On a worker or outside a swarm it fails, naming the node and its role.
  - A network that a swarm service uses is never recreated or removed; the module fails and names the services.
    This includes the ingress network while a service publishes ports through it.
  - Options that are not given are never a reason to recreate under O(state=merged); in particular the
    driver is implied by this module and never compared.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - fleetnet.docker.network_resource
options:
  config:
    description:
      - The overlay networks. Options that are not given are not compared under O(state=merged) and take
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
          - Address pools. When not given, the swarm allocates one from its default address pool,
            and whatever it allocated is accepted under every state.
        type: list
        elements: dict
        suboptions:
          subnet:
            description: The subnet in CIDR notation, without host bits.
            type: str
            required: true
          gateway:
            description: Gateway address inside the subnet; Docker's default is its first address.
            type: str
          ip_range:
            description: Sub-range (CIDR) of the subnet from which containers get dynamic addresses.
            type: str
          aux_addresses:
            description: Addresses inside the subnet that Docker must not hand out, by name.
            type: dict
      enable_ipv6:
        description: Enable IPv6 on the network. Docker's default is V(false).
        type: bool
      internal:
        description: No traffic in or out of the swarm through this network. Docker's default is V(false).
        type: bool
      attachable:
        description:
          - Allow standalone containers (C(docker run --network)) to attach, not only swarm services.
            Docker's default is V(false).
        type: bool
      ingress:
        description:
          - Make this the swarm's ingress (routing mesh) network, through which services publish ports.
            A swarm has exactly one. Docker's default is V(false).
          - Replacing it is only possible while no service publishes ports; otherwise the module fails
            and names those services. O(state=overridden) never removes it when it is not listed.
        type: bool
      encrypted:
        description:
          - Encrypt traffic between nodes with IPsec ESP (C(encrypted) driver option). Docker's default is V(false).
          - Where the host's kernel cannot do ESP with AES-GCM the network is still created, with a warning that
            the host cannot pass encrypted traffic.
        type: bool
      mtu:
        description: MTU of the container interfaces (C(com.docker.network.driver.mtu)).
        type: int
      vxlan_ids:
        description:
          - VXLAN identifiers, one per subnet (C(com.docker.network.driver.overlay.vxlanid_list)).
          - When not given, Docker picks them, and whatever it picked is accepted under every state.
        type: list
        elements: int
      labels:
        description:
          - Labels of the network. Under O(state=merged) labels on the host that are not listed are kept;
            under O(state=replaced) they are a difference.
        type: dict
      driver_opts:
        description:
          - Other driver options, passed to Docker as they are; booleans are sent as C(true)/C(false).
          - A key that an option of its own sets (C(encrypted), C(com.docker.network.driver.mtu),
            C(com.docker.network.driver.overlay.vxlanid_list)) is refused before anything changes, naming that
            option (O(config[].encrypted), O(config[].mtu), O(config[].vxlan_ids)), where it is compared and checked.
        type: dict
      containers:
        description:
          - Standalone containers on this manager attached to this network (needs O(config[].attachable)).
            Under O(state=merged) they are connected; under O(state=replaced) and O(state=overridden) exactly
            these are attached. When not given, attachments are never touched.
          - Containers on other nodes are not visible from here. A recreate that Docker refuses because the
            network is in use on another node leaves the network as it was and reconnects the local containers.
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
  - module: fleetnet.docker.swarm
  - module: fleetnet.docker.networks_info
'''

EXAMPLES = r'''
- name: An attachable application network across the swarm
  fleetnet.docker.overlay_networks:
    config:
      - name: app
        attachable: true
        subnets:
          - subnet: 10.93.1.0/24
        labels:
          team: web
  run_once: true
  delegate_to: "{{ groups['managers'] | first }}"

- name: A network that never reaches outside the swarm, encrypted between nodes
  fleetnet.docker.overlay_networks:
    config:
      - name: secrets
        internal: true
        encrypted: true

- name: Read the overlay networks as config
  fleetnet.docker.overlay_networks:
    state: gathered
  register: overlays

- name: Remove a network (fails, naming them, while services use it)
  fleetnet.docker.overlay_networks:
    state: deleted
    config:
      - name: app
'''

RETURN = r'''
before:
  description: The swarm's overlay networks before the run, in the O(config) format (without containers).
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
  sample: [{name: app, action: recreated, differences: [labels], containers: {restored: [probe]}}]
gathered:
  description: The swarm's overlay networks, the ingress network included, in the O(config) format.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample:
    - name: app
      subnets: [{subnet: 10.93.1.0/24, gateway: 10.93.1.1, aux_addresses: {}}]
      attachable: true
      internal: false
      ingress: false
      enable_ipv6: false
      encrypted: false
      vxlan_ids: [4097]
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

from ansible_collections.fleetnet.docker.plugins.module_utils._client import this_host
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.overlay import OverlayDriver, esp_problem
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec, run_state

DRIVER = OverlayDriver


def warn_when_encryption_cannot_work(module):
    encrypted = [network['name'] for network in module.params.get('config') or [] if network.get('encrypted')]
    if not encrypted or module.params['state'] in ('deleted', 'gathered', 'rendered'):
        return
    problem = esp_problem(module)
    if problem:
        names = ', '.join('"%s"' % name for name in encrypted)
        plural = 's' if len(encrypted) > 1 else ''
        module.warn('overlay network%s %s on %s: the host cannot pass encrypted traffic, its kernel has no '
                    'ESP with AES-GCM (%s); the network is created, but containers on different nodes will not '
                    'reach each other over it' % (plural, names, this_host(), problem))


def main():
    module = NetworkModule(argument_spec=network_module_argspec(DRIVER), supports_check_mode=True)
    warn_when_encryption_cannot_work(module)
    run_module(module, run_state, DRIVER(module))


if __name__ == '__main__':
    main()
