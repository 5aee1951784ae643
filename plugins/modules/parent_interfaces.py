#!/usr/bin/python
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: parent_interfaces
short_description: Manage the host links that macvlan and ipvlan networks stand on
version_added: 0.1.0
description:
  - Creates, changes and removes VLAN sub-interfaces and host shim interfaces (a macvlan link in bridge mode
    on the parent, with an address and routes to the containers' addresses, so the host can reach its own
    macvlan containers), and switches promiscuous mode of a parent on or off.
  - Reads and changes the running kernel through iproute2 (C(ip -j)); optionally writes systemd-networkd files
    so the links come back after a reboot.
  - Links it creates carry the ifalias C(managed-by fleetnet.docker). A link without it is never changed or
    removed unless O(config[].take_over=true).
  - The whole O(config) is validated against the host before anything changes; one bad item changes nothing.
author:
  - fleetnet.docker contributors (!UNKNOWN)
requirements:
  - iproute2 with JSON output (C(ip -j)) on the managed host; root.
options:
  config:
    description: The links, in the order they are listed; VLANs are handled before shims that may stand on them.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Interface name, at most 15 characters. For O(config[].type=promiscuous) the existing interface to switch.
          - For a VLAN it defaults to C(<parent>.<vlan_id>).
        type: str
      type:
        description:
          - V(vlan) an 802.1q sub-interface, V(shim) a macvlan link in bridge mode for the host,
            V(promiscuous) promiscuous mode of an existing interface.
        type: str
        required: true
        choices: [vlan, shim, promiscuous]
      state:
        description:
          - V(present) the link exists as given (promiscuous mode on); V(absent) it does not (promiscuous mode off).
          - V(absent) also removes this item's systemd-networkd files, whatever O(config[].persist) says.
          - Defaults to O(state).
        type: str
        choices: [present, absent]
      parent:
        description: The interface a vlan or shim stands on. Required for them when present.
        type: str
      vlan_id:
        description: 802.1q VLAN id, 1 to 4094. Only for V(vlan); required for it when present.
        type: int
      mtu:
        description: MTU of the link; when not given the kernel's choice (the parent's MTU) is kept.
        type: int
      address:
        description:
          - The host's address on the shim in CIDR notation, usually a C(/32) reserved in the Docker network
            with an aux address. Only for V(shim); required for it when present.
          - It is the only address on the shim; others are removed.
        type: str
      routes:
        description:
          - Destinations (CIDR, no host bits) routed through the shim, usually the macvlan network's C(ip_range).
            Only for V(shim). Exactly these routes use the shim; others through it are removed.
        type: list
        elements: str
      take_over:
        description:
          - Adopt (or, when absent, remove) an existing link of that name that fleetnet.docker did not create.
            Without it such a link is an error and is left as it is.
        type: bool
        default: false
      persist:
        description: Per-item O(persist). Defaults to O(persist).
        type: str
        choices: [networkd, none]
      parent_network_file:
        description:
          - With O(persist=networkd), the basename of the C(.network) file systemd-networkd configures the parent
            with (for V(promiscuous) the interface itself); the C(VLAN=), C(MACVLAN=) or C(Promiscuous=) line goes into
            a drop-in next to it.
          - When not given, the first C(.network) file (by name) in the networkd directories whose C([Match] Name=) matches.
        type: str
  state:
    description: Default of O(config[].state).
    type: str
    choices: [present, absent]
    default: present
  persist:
    description:
      - V(networkd) writes C(10-fleetnet-<name>.netdev) and C(.network) files in C(/etc/systemd/network) and a
        drop-in C(fleetnet-*.conf) for the parent's C(.network) file. They take effect at the next boot or
        C(networkctl reload); the module never reloads networkd.
      - V(none) leaves files alone. Only files with these names are ever written or removed.
    type: str
    choices: [networkd, none]
    default: none
  runtime:
    description:
      - Change the running kernel. V(false) only writes or removes the systemd-networkd files, for example to
        prepare a VLAN on a host whose kernel lacks 802.1q until the next boot; needs O(persist=networkd).
    type: bool
    default: true
notes:
  - Supports check mode (the plan, no change) and diff mode (links before and after, and each file).
  - A parent written C(iface.vlan) in a Docker macvlan network is created and removed by Docker; a link made by
    this module is never removed by a network.
seealso:
  - name: parent_interfaces documentation
    description: What the shim is for, promiscuous mode, persistence and who owns what.
    link: https://github.com/fleetnet/docker/blob/main/docs/parent_interfaces.md
'''

EXAMPLES = r'''
- name: A VLAN for macvlan networks, and a shim so the host reaches its own containers
  fleetnet.docker.parent_interfaces:
    persist: networkd
    config:
      - type: vlan
        parent: eth0
        vlan_id: 20
      - name: mv-shim
        type: shim
        parent: eth0.20
        address: 192.168.20.29/32
        routes: [192.168.20.32/28]

- name: Promiscuous mode on the parent of a macvlan network (needed by some virtual switches)
  fleetnet.docker.parent_interfaces:
    config:
      - name: eth1
        type: promiscuous

- name: Remove the shim (and its networkd files)
  fleetnet.docker.parent_interfaces:
    state: absent
    config:
      - name: mv-shim
        type: shim
'''

RETURN = r'''
before:
  description: Each item as it was on the host, in the O(config) format.
  returned: success
  type: list
  elements: dict
  sample: [{name: mv-shim, type: shim, state: absent}]
after:
  description: Each item as it is after the run (in check mode, as it would be).
  returned: success
  type: list
  elements: dict
  sample: [{name: mv-shim, type: shim, state: present, parent: eth0, mtu: 1500, address: 10.1.0.29/32, routes: [10.1.0.32/28]}]
actions:
  description: What happened (or in check mode would happen) to each item.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Interface name.
      type: str
      sample: mv-shim
    type:
      description: Item type.
      type: str
      sample: shim
    action:
      description: V(created), V(recreated), V(updated), V(adopted), V(deleted), V(persisted) (files only) or V(unchanged).
      type: str
      sample: updated
    differences:
      description: What differed from the host and caused the action.
      type: list
      elements: str
      sample: [address, routes]
    commands:
      description: The iproute2 commands run (or planned).
      type: list
      elements: str
      sample: ['ip addr add 10.1.0.29/32 dev mv-shim']
    files_written:
      description: systemd-networkd files written, relative to C(/etc/systemd/network).
      type: list
      elements: str
      sample: [10-fleetnet-mv-shim.netdev]
    files_removed:
      description: systemd-networkd files removed, relative to C(/etc/systemd/network).
      type: list
      elements: str
      sample: []
errors:
  description: Every validation problem, one line each, when the run failed validation.
  returned: failure
  type: list
  elements: str
  sample: ['interface "eth0.5000" on h2: vlan_id 5000 is out of range 1-4094']
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._parent_interfaces import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
