#!/usr/bin/python
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: host_routes
short_description: Manage the host's routes to other Docker hosts' container subnets
version_added: 0.1.0
description:
  - Adds, changes and removes routes of the host's main routing table, each to a destination through a
    gateway on one of the host's own subnets, such as another Docker host's routed bridge network
    (C(gateway_mode_ipv4=routed)) through that host's address. The role C(fleetnet.docker.bridge) uses it.
  - Routes it makes carry the routing protocol number O(protocol) (the kernel keeps it with the route, C(ip -j route)
    shows it). Only routes with that number are ever changed or removed; a route to a listed destination that
    something else made is an error and is left as it is.
  - The whole O(config) is validated against the host before anything changes; one bad item changes nothing.
author:
  - fleetnet.docker contributors (!UNKNOWN)
requirements:
  - iproute2 with JSON output (C(ip -j)) on the managed host; root.
options:
  config:
    description: The routes.
    type: list
    elements: dict
    default: []
    suboptions:
      destination:
        description: The destination network in CIDR notation, without host bits.
        type: str
        required: true
      via:
        description:
          - The gateway, an address on one of the host's own subnets (not the host's own address). Required unless
            O(state=deleted).
        type: str
  state:
    description:
      - V(merged) makes the listed routes and changes the gateway of a listed route of ours; other routes stay.
      - V(overridden) also removes every route of ours (protocol O(protocol)) that is not listed.
      - V(deleted) removes the listed routes of ours; a destination without a route of ours is no change.
      - V(gathered) changes nothing and returns our routes (RV(gathered)) and every other address and route of the
        host (RV(host_prefixes)).
    type: str
    choices: [merged, overridden, deleted, gathered]
    default: merged
  protocol:
    description:
      - The routing protocol number that marks the routes as this module's (1 and 5 to 255; 2 to 4 are the kernel's,
        boot's and static routes). Use another number when something else on the host already uses 203.
    type: int
    default: 203
  persist:
    description:
      - V(networkd) writes the routes as C([Route]) sections (with C(Protocol=)) into the drop-in C(fleetnet-routes.conf)
        of the systemd-networkd C(.network) file of each outgoing interface, so they come back after a reboot. They take
        effect at the next boot or C(networkctl reload); the module never reloads networkd.
      - V(none) leaves files alone; O(state=deleted) still takes its routes out of an existing drop-in.
    type: str
    choices: [none, networkd]
    default: none
notes:
  - Supports check mode (the plan, no change) and diff mode (our routes before and after).
seealso:
  - module: fleetnet.docker.parent_interfaces
  - name: The bridge role's documentation
    description: Routed bridge networks across a fleet.
    link: https://github.com/fleetnet/docker/blob/main/docs/bridge.md
'''

EXAMPLES = r'''
- name: Reach the containers of h2's routed bridge network through h2
  fleetnet.docker.host_routes:
    config:
      - destination: 10.60.1.0/24
        via: 192.168.1.12

- name: Exactly these routes of ours, the others removed
  fleetnet.docker.host_routes:
    state: overridden
    config:
      - destination: 10.60.2.0/24
        via: 192.168.1.13

- name: Read our routes and what else the host routes
  fleetnet.docker.host_routes:
    state: gathered
  register: routes
'''

RETURN = r'''
before:
  description: Our routes before the run.
  returned: success, unless O(state=gathered)
  type: list
  elements: dict
  sample: [{destination: 10.60.1.0/24, via: 192.168.1.12}]
after:
  description: Our routes after the run (in check mode, as they would be).
  returned: success, unless O(state=gathered)
  type: list
  elements: dict
  sample: [{destination: 10.60.1.0/24, via: 192.168.1.12}, {destination: 10.60.2.0/24, via: 192.168.1.13}]
actions:
  description: Each route made (V(created)), given another gateway (V(updated)) or removed (V(deleted)).
  returned: success, unless O(state=gathered)
  type: list
  elements: dict
  sample: [{destination: 10.60.2.0/24, via: 192.168.1.13, action: created}]
commands:
  description: The iproute2 commands run (or planned).
  returned: success, unless O(state=gathered)
  type: list
  elements: str
  sample: ['ip route replace 10.60.2.0/24 via 192.168.1.13 proto 203']
files_written:
  description: systemd-networkd drop-ins written, relative to C(/etc/systemd/network).
  returned: success, unless O(state=gathered)
  type: list
  elements: str
  sample: [10-lan.network.d/fleetnet-routes.conf]
files_removed:
  description: systemd-networkd drop-ins removed, relative to C(/etc/systemd/network).
  returned: success, unless O(state=gathered)
  type: list
  elements: str
  sample: []
gathered:
  description: Our routes.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{destination: 10.60.1.0/24, via: 192.168.1.12}]
host_prefixes:
  description: The host's addresses (their subnets) and its other routes, each with its interface.
  returned: when O(state=gathered)
  type: list
  elements: dict
  sample: [{interface: eth0, prefix: 192.168.1.0/24, kind: address}]
errors:
  description: Every validation problem, one line each, when the run failed validation.
  returned: failure
  type: list
  elements: str
  sample: ['route 10.60.1.0/24 on h1: via 192.168.9.12 is on none of the host''s own subnets (192.168.1.0/24), so the kernel cannot reach it directly']
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._host_routes import ARGUMENT_SPEC, run
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
