#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: probe
short_description: Throwaway probe containers that prove Docker networks carry traffic between hosts
version_added: 0.1.0
description:
  - One step of a connectivity probe across a fleet; run each step on every host of the networks, in this
    order, the last one in an C(always) section. The role C(fleetnet.docker.probe) does exactly that and
    builds the host x host matrix of the fleet report.
  - V(present) starts one probe container per network in O(networks) on this host, from O(image), and returns
    each probe's address. The image must already be on the host unless O(pull=true).
  - V(pinged) has this host's probes ping every other host's probe in O(targets) (the C(probes) the other
    hosts returned), by address, and by name where Docker's DNS resolves names across hosts. It returns one
    result per pair - V(pass) with the latency, V(fail) with the error, or V(skipped) with the reason.
  - V(absent) removes every probe container on the host (all containers labelled C(fleetnet.docker.probe)),
    also those an interrupted earlier run left behind.
  - Probes are started with C(auto_remove) and a limited O(lifetime), so should the run be cut short before
    V(absent), they end and vanish by themselves.
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
    details: V(present) and V(absent) return what they would start or remove; V(pinged) pings nothing and
      returns every pair as skipped with the reason. No container is started or removed.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    membership:
      - fleetnet.docker.docker
options:
  state:
    description: The step to run.
    type: str
    choices: [present, pinged, absent]
    default: present
  networks:
    description:
      - With O(state=present), the networks to start a probe on, by exact name.
      - A network the host does not have is skipped with the reason, except on a swarm node, where an
        attachable overlay network shows up only once a container uses it.
    type: list
    elements: str
    default: []
  targets:
    description:
      - With O(state=pinged), the probes to ping, that is the C(probes) that V(present) returned on every host, as they
        are (entries of this host are ignored).
      - Each is pinged by C(address) (or C(ipv6_address)), and by C(container) name when C(dns) is true; an entry
        whose C(status) is not V(started) gives pairs skipped with its C(reason).
    type: list
    elements: dict
    default: []
  host:
    description:
      - The name this host goes by in probe names and results, usually C(inventory_hostname).
      - Defaults to the managed node's host name.
    type: str
  image:
    description:
      - Image the probes run. It needs C(sleep) and C(ping) (busybox has both).
    type: str
    default: fleetnet/probe:latest
  pull:
    description:
      - Pull O(image) when the host does not have it. Without it a missing image fails the task before
        any probe starts.
    type: bool
    default: false
  name_prefix:
    description: Probe container names are C(<name_prefix>-<network>-<host>).
    type: str
    default: fleetnet-probe
  lifetime:
    description: Seconds after which a probe ends (and Docker removes it) even when V(absent) never runs.
    type: int
    default: 600
  count:
    description: Echo requests per ping.
    type: int
    default: 2
  ping_timeout:
    description: Seconds to wait for each answer.
    type: int
    default: 2
notes:
  - The probes are plain containers with no published ports and no privileges.
seealso:
  - module: fleetnet.docker.networks_info
  - name: The fleet report
    description: docs/report.md in the collection, the report playbook and its connectivity matrix.
    link: https://github.com/fleetnet/docker/blob/main/docs/report.md
'''

EXAMPLES = r'''
- name: Probe the overlay network across the swarm
  block:
    - name: Start a probe on every host
      fleetnet.docker.probe:
        networks: [backend-overlay]
        host: "{{ inventory_hostname }}"
      register: started

    - name: Ping every other host's probe
      fleetnet.docker.probe:
        state: pinged
        host: "{{ inventory_hostname }}"
        targets: "{{ ansible_play_hosts | map('extract', hostvars, ['started', 'probes']) | flatten }}"
      register: pinged

    - name: Show failures
      ansible.builtin.debug:
        msg: "{{ pinged.results | selectattr('status', '==', 'fail') | list }}"
  always:
    - name: Remove every probe
      fleetnet.docker.probe:
        state: absent
'''

RETURN = r'''
probes:
  description: With O(state=present), one entry per network in O(networks).
  returned: state is present
  type: list
  elements: dict
  contains:
    network:
      description: Network name.
      type: str
    host:
      description: O(host).
      type: str
    container:
      description: The probe's container name.
      type: str
    address:
      description: The probe's IPv4 address, or V(null).
      type: str
    ipv6_address:
      description: The probe's global IPv6 address, or V(null).
      type: str
    status:
      description: V(started), V(planned) (check mode), V(skipped) or V(failed).
      type: str
    reason:
      description: Why it was skipped or failed, else V(null).
      type: str
    dns:
      description: Whether Docker's DNS resolves the probe's name from other hosts on this network (swarm overlay networks).
      type: bool
    dns_reason:
      description: Why names are not pinged on this network, when RV(probes[].dns) is false.
      type: str
  sample: [{network: demo-overlay, host: h1, container: fleetnet-probe-demo-overlay-h1, address: 10.240.10.5,
            ipv6_address: null, status: started, reason: null, dns: true, dns_reason: null}]
results:
  description: With O(state=pinged), one entry per other host's probe and way of reaching it.
  returned: state is pinged
  type: list
  elements: dict
  contains:
    network:
      description: Network name.
      type: str
    source:
      description: This host (O(host)).
      type: str
    target:
      description: The host whose probe was pinged.
      type: str
    by:
      description: V(address) or V(name).
      type: str
    destination:
      description: What was pinged.
      type: str
    status:
      description: V(pass), V(fail) or V(skipped).
      type: str
    latency_ms:
      description: Average round trip in milliseconds, or V(null).
      type: float
    error:
      description: With V(fail), what ping said.
      type: str
    reason:
      description: With V(skipped), why.
      type: str
removed:
  description: With O(state=absent), the probe containers removed (or that would be, in check mode).
  returned: state is absent
  type: list
  elements: str
actions:
  description: What was done (or would be in check mode).
  returned: state is present or absent
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._probe import ARGUMENT_SPEC, run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
