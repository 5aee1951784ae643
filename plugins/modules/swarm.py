#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: swarm
short_description: Create, join, leave and manage a Docker swarm and its nodes
description:
  - Puts one Docker host's swarm membership under declarative control, and from a manager the
    swarm's settings and its nodes' role, availability and labels.
  - V(present) creates a swarm on this node when it is in none, and otherwise updates the settings
    Docker can change on a live swarm. V(joined) joins the swarm at O(remote_addrs) with O(join_token).
    V(absent) leaves the swarm. V(node_present) sets another node's role, availability and labels;
    V(node_absent) removes a node that has left or is down. V(gathered) reports the swarm.
  - Join tokens and unlock keys never appear in results, diffs, errors or verbose logs; the only
    exception is O(include_join_tokens) with O(state=gathered). Error messages never hold a secret, so
    a task under C(no_log) can show RV(msg) of its registered result (see C(docs/swarm.md)).
  - A node stuck in a join that did not finish (local swarm state V(pending) for more than 30 seconds,
    or V(error), for example after the host was cut off during its join) leaves that attempt and joins
    (V(joined)) or creates the swarm (V(present)) again. A failed join leaves its attempt itself.
  - Runs that change one host's membership (V(present), V(joined), V(absent)) wait for each other
    (a lock file in the managed node's C(/run)), so two runs at the same time do not break a join.
  - See C(docs/swarm.md) for the ports the hosts must open to each other.
version_added: 0.1.0
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
attributes:
  check_mode:
    support: full
    description: Computes C(changed), C(actions) and C(after) without changing anything.
  diff_mode:
    support: full
    description: C(before) and C(after) of this node's membership, the swarm settings or the node.
options:
  state:
    description:
      - V(present) - this node is a manager of a swarm with the given settings; creates the swarm if the node is in none.
      - V(joined) - this node is a member of the swarm at O(remote_addrs).
      - V(absent) - this node is in no swarm.
      - V(node_present) - run on a manager; the swarm node O(node) has the given O(role), O(availability) and O(node_labels).
        A demotion that would leave the remaining managers without a reachable majority (raft quorum) is refused.
      - V(node_absent) - run on a manager; the swarm node O(node) is removed from the swarm's node list.
      - V(gathered) - report the swarm; never changes anything.
    type: str
    choices: [present, joined, absent, node_present, node_absent, gathered]
    default: present
  advertise_addr:
    description:
      - Address (or interface name, such as V(eth0)) other nodes use to reach this one, optionally with a port.
      - Used when creating (V(present)) or joining (V(joined)) a swarm. Needed when the host has several
        addresses or no default route.
    type: str
  listen_addr:
    description: Address and port this node listens on for swarm control traffic. Used when creating or joining.
    type: str
    default: 0.0.0.0:2377
  data_path_addr:
    description: Address or interface for overlay (VXLAN) data traffic. Used when creating or joining.
    type: str
  data_path_port:
    description:
      - UDP port of overlay data traffic (Docker's default is 4789). Set when the swarm is created only;
        a different value for an existing swarm gives a warning.
    type: int
  default_addr_pool:
    description:
      - Address pools (CIDR) from which overlay network subnets are taken. Set when the swarm is created only.
    type: list
    elements: str
  subnet_size:
    description: Prefix length of subnets taken from O(default_addr_pool). Set when the swarm is created only.
    type: int
  labels:
    description:
      - Labels of the swarm itself (O(state=present)). How they apply depends on O(labels_state).
      - A label given with a null value is removed when O(labels_state=merged).
    type: dict
  labels_state:
    description:
      - How O(labels) (swarm) and O(node_labels) (node) apply to the existing labels.
      - V(merged) - given labels are added or changed, a label given with a null value is removed, all others stay.
      - V(replaced) - the labels become exactly the given ones; O(labels={}) removes all.
    type: str
    choices: [merged, replaced]
    default: merged
  autolock:
    description:
      - Lock managers' raft keys with an unlock key that must be given after a daemon restart
        (C(docker swarm unlock)). Read the key on a manager with C(docker swarm unlock-key).
    type: bool
  task_history_retention_limit:
    description: Number of past tasks kept per service slot.
    type: int
  node_cert_expiry:
    description: Validity of node certificates, in seconds (Docker's default is 7776000, 90 days; at least 3600).
    type: int
  dispatcher_heartbeat_period:
    description: Seconds between node heartbeats to the managers (Docker's default is 5).
    type: int
  raft:
    description: Raft consensus settings of the managers. Only the given suboptions are compared.
    type: dict
    suboptions:
      snapshot_interval:
        description: Log entries between raft snapshots.
        type: int
      keep_old_snapshots:
        description: Number of old snapshots kept besides the current one.
        type: int
      log_entries_for_slow_followers:
        description: Log entries kept after a snapshot for followers that lag behind.
        type: int
      election_tick:
        description: Ticks without a leader heartbeat before a new election; must be greater than O(raft.heartbeat_tick).
        type: int
      heartbeat_tick:
        description: Ticks between leader heartbeats.
        type: int
  rotate_worker_token:
    description: Replace the worker join token (O(state=present)); reports a change each time it is true.
    type: bool
    default: false
  rotate_manager_token:
    description: Replace the manager join token (O(state=present)); reports a change each time it is true.
    type: bool
    default: false
  rotate_unlock_key:
    description: Replace the unlock key of an autolocked swarm (O(state=present)); reports a change each time it is true.
    type: bool
    default: false
  remote_addrs:
    description: Addresses (C(host) or C(host:port)) of managers of the swarm to join. Required with O(state=joined).
    type: list
    elements: str
  join_token:
    description:
      - Worker or manager join token of the swarm (O(state=joined)); it decides the role the node gets.
      - Never logged or returned.
    type: str
  role:
    description:
      - With O(state=node_present), the role O(node) gets (promote or demote).
      - With O(state=joined), the role this node is expected to have; the task fails when the node is,
        or joined as, the other role (the token decides the role Docker grants).
    type: str
    choices: [manager, worker]
  availability:
    description:
      - With O(state=node_present), whether O(node) takes tasks (V(active)), keeps its tasks but gets
        no new ones (V(pause)), or has its tasks moved away (V(drain)).
    type: str
    choices: [active, pause, drain]
  node:
    description:
      - Hostname or ID of the swarm node to manage with O(state=node_present) or O(state=node_absent).
      - With O(state=node_absent), every node entry with that hostname is removed (a node that left and
        joined again leaves a V(down) entry behind).
    type: str
  node_labels:
    description: With O(state=node_present), labels of O(node); applied as O(labels_state) says.
    type: dict
  force:
    description:
      - With O(state=absent), leave even as a manager; as the last manager this destroys the swarm.
      - With O(state=node_absent), remove the node even when it is not down.
    type: bool
    default: false
  include_join_tokens:
    description:
      - With O(state=gathered) on a manager, also return the join tokens in RV(swarm.join_tokens).
      - B(The result then holds secrets:) set C(no_log) on the task that registers it.
    type: bool
    default: false
notes:
  - Settings, node management and the node list need a manager; a worker only knows its own membership.
  - A node that leaves stays in the node list as V(down) until it is removed with O(state=node_absent) on a manager.
'''

EXAMPLES = r'''
- name: Create the swarm on the first manager, advertised on the fleet interface
  fleetnet.docker.swarm:
    state: present
    advertise_addr: eth0
    default_addr_pool: [10.20.0.0/16]
    subnet_size: 24
    labels:
      site: lab

- name: Read the join tokens (secrets, so never without no_log)
  fleetnet.docker.swarm:
    state: gathered
    include_join_tokens: true
  register: swarm_info
  no_log: true
  delegate_to: "{{ groups.managers[0] }}"
  run_once: true

- name: Join the workers
  fleetnet.docker.swarm:
    state: joined
    role: worker
    advertise_addr: eth0
    remote_addrs: ["{{ hostvars[groups.managers[0]].ansible_host }}"]
    join_token: "{{ swarm_info.swarm.join_tokens.worker }}"
  when: inventory_hostname in groups.workers

- name: Drain a node and label it, from a manager
  fleetnet.docker.swarm:
    state: node_present
    node: worker-3
    availability: drain
    node_labels:
      disk: ssd
      old_label: null   # removed; other labels stay (labels_state merged)

- name: Leave on the node, then forget it on a manager
  fleetnet.docker.swarm:
    state: absent

- name: Remove the node that left from the node list
  fleetnet.docker.swarm:
    state: node_absent
    node: worker-3
  delegate_to: "{{ groups.managers[0] }}"
'''

RETURN = r'''
msg:
  description:
    - On failure, what failed on which host and why. Never holds a join token or unlock key, so it is
      safe to show from a task that has C(no_log).
  returned: failure
  type: str
  sample: 'h2: joining the swarm at 10.0.0.1 failed: Timeout was reached before node joined...'
changed:
  description: Whether anything changed (or would change in check mode).
  returned: always
  type: bool
actions:
  description: What was done (or would be done in check mode), each with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{action: join, reason: this node is in no swarm}]
before:
  description:
    - The state before the task. For V(present), V(joined) and V(absent) this node's membership
      (C(local_node_state), C(node_id), C(node_address), C(role), C(cluster_id), C(managers), and for V(present) C(settings));
      for V(node_present) the node (as in RV(swarm.nodes)); for V(node_absent) C(nodes), the list of nodes it matches.
  returned: when state is not gathered
  type: raw
after:
  description: The state after the task (predicted in check mode), in the same format as RV(before).
  returned: when state is not gathered
  type: raw
swarm:
  description: The swarm as this node sees it. A worker only knows its own membership.
  returned: when state is gathered
  type: dict
  contains:
    local_node_state:
      description: V(inactive), V(pending), V(active), V(error) or V(locked).
      type: str
    node_id:
      description: This node's ID.
      type: str
    node_address:
      description: This node's address in the swarm.
      type: str
    role:
      description: This node's role, V(manager) or V(worker).
      type: str
    cluster_id:
      description: ID of the swarm (managers only).
      type: str
    managers:
      description: Addresses of the managers this node knows.
      type: list
      elements: str
    settings:
      description: The swarm settings in the format of this module's options (managers only).
      type: dict
    default_addr_pool:
      description: Address pools of the swarm (managers only).
      type: list
      elements: str
    subnet_size:
      description: Subnet size taken from the pools (managers only).
      type: int
    data_path_port:
      description: UDP port of overlay data traffic (managers only).
      type: int
    nodes:
      description: Every node of the swarm with id, hostname, address, role, availability, status, labels, leader and manager_reachability (managers only).
      type: list
      elements: dict
    join_tokens:
      description: Join tokens C(worker) and C(manager). Secret. Only with O(include_join_tokens=true) on a manager.
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._client import connection_argspec
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_runner import run

REQUIRED_IF = [('state', 'joined', ['remote_addrs', 'join_token']), ('state', 'node_present', ['node']),
               ('state', 'node_absent', ['node'])]


def argument_spec():
    return connection_argspec(
        state=dict(type='str', default='present',
                   choices=['present', 'joined', 'absent', 'node_present', 'node_absent', 'gathered']),
        advertise_addr=dict(type='str'),
        listen_addr=dict(type='str', default='0.0.0.0:2377'),
        data_path_addr=dict(type='str'),
        data_path_port=dict(type='int'),
        default_addr_pool=dict(type='list', elements='str'),
        subnet_size=dict(type='int'),
        labels=dict(type='dict'),
        labels_state=dict(type='str', default='merged', choices=['merged', 'replaced']),
        autolock=dict(type='bool'),
        task_history_retention_limit=dict(type='int'),
        node_cert_expiry=dict(type='int'),
        dispatcher_heartbeat_period=dict(type='int'),
        raft=dict(type='dict', options=dict(
            snapshot_interval=dict(type='int'),
            keep_old_snapshots=dict(type='int'),
            log_entries_for_slow_followers=dict(type='int'),
            election_tick=dict(type='int'),
            heartbeat_tick=dict(type='int'),
        )),
        rotate_worker_token=dict(type='bool', default=False),
        rotate_manager_token=dict(type='bool', default=False),
        rotate_unlock_key=dict(type='bool', default=False),
        remote_addrs=dict(type='list', elements='str'),
        join_token=dict(type='str', no_log=True),
        role=dict(type='str', choices=['manager', 'worker']),
        availability=dict(type='str', choices=['active', 'pause', 'drain']),
        node=dict(type='str'),
        node_labels=dict(type='dict'),
        force=dict(type='bool', default=False),
        include_join_tokens=dict(type='bool', default=False),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), required_if=REQUIRED_IF, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
