#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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

import os
import shlex
import socket

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _links
from ansible_collections.fleetnet.docker.plugins.module_utils._host_links import ip_json

ETC = _links.NETWORKD_DIRS[0]


def read_host(module):
    routes = ip_json(module, 'route', 'show') + ip_json(module, '-6', 'route', 'show')
    return _links.links_from_json(ip_json(module, '-d', 'link', 'show'), ip_json(module, 'addr', 'show'), routes)


def read_files():
    """Our own files ({relative path: text}) and every .network file networkd would read ({basename: text})."""
    own, network_files = {}, {}
    for directory in _links.NETWORKD_DIRS:
        for entry in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
            path = os.path.join(directory, entry)
            # /etc comes first and overrides a file of the same name further down, as in networkd.
            if entry.endswith('.network') and os.path.isfile(path) and entry not in network_files:
                with open(path) as handle:
                    network_files[entry] = handle.read()
            if directory != ETC:
                continue
            if entry.startswith(_links.FILE_PREFIX) and os.path.isfile(path):
                with open(path) as handle:
                    own[entry] = handle.read()
            elif entry.endswith('.network.d') and os.path.isdir(path):
                for name in sorted(os.listdir(path)):
                    if name.startswith(_links.DROPIN_PREFIX):
                        with open(os.path.join(path, name)) as handle:
                            own[entry + '/' + name] = handle.read()
    return own, network_files


def kernel_problem(module, kind, name):
    """Does the kernel know this link kind? A link without a parent is refused only after the kind is found."""
    probe = ('fnprobe%d' % os.getpid())[:15]
    rc, out, err = module.run_command(['ip', 'link', 'add', 'name', probe, 'type', kind] + (['id', '1'] if kind == 'vlan' else []))
    if rc == 0:
        module.run_command(['ip', 'link', 'del', 'dev', probe])
    if 'Unknown device type' in err:
        support = '802.1q VLAN' if kind == 'vlan' else kind
        return (name, 'type', '%s needs %s links, which the kernel of this host does not support ("ip link add ... type %s": %s)'
                % ('vlan' if kind == 'vlan' else 'shim', support, kind, err.strip()))
    return None


def plan_files(item, own, network_files, planned_files, problems):
    """{path: text or None (remove)} for this item's networkd files."""
    mine = dict((path, text) for path, text in own.items() if _links.owned_by(item, path))
    if item['state'] == 'absent':
        return dict((path, None) for path in mine)
    if item['persist'] != 'networkd':
        return {}
    interface = item['name'] if item['type'] == 'promiscuous' else item['parent']
    network_file = item.get('parent_network_file')
    if not network_file:
        candidates = dict(network_files)
        candidates.update((path, text) for path, text in planned_files.items() if '/' not in path and path.endswith('.network'))
        network_file = _links.find_network_file(interface, candidates)
    if not network_file:
        problems.append((item['name'], 'parent_network_file', 'is needed for persist: networkd: no .network file in %s matches '
                         '"%s"; name the file systemd-networkd configures it with' % (', '.join(_links.NETWORKD_DIRS), interface)))
        return {}
    wanted = _links.render_files(item, network_file)
    planned_files.update(wanted)
    changes = dict((path, None) for path in mine if path not in wanted)
    changes.update((path, text) for path, text in wanted.items() if mine.get(path) != text)
    return changes


def apply_files(module, changes):
    for path, text in sorted(changes.items()):
        full = os.path.join(ETC, path)
        if text is None:
            os.remove(full)
            folder = os.path.dirname(full)
            if folder != ETC and not os.listdir(folder):
                os.rmdir(folder)  # an empty drop-in folder is one we made
            continue
        if not os.path.isdir(os.path.dirname(full)):
            os.makedirs(os.path.dirname(full), 0o755)
        temporary = full + '.fleetnet-tmp'
        with open(temporary, 'w') as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        module.atomic_move(temporary, full)


def phase(item):
    """Removals before creations, VLANs before the shims that may stand on them; reversed for removals."""
    present = item['state'] == 'present'
    order = {'shim': (0, 3), 'vlan': (1, 2), 'promiscuous': (4, 4)}[item['type']]
    return order[1] if present else order[0]


def main():
    item_spec = dict(
        name=dict(type='str'),
        type=dict(type='str', required=True, choices=['vlan', 'shim', 'promiscuous']),
        state=dict(type='str', choices=['present', 'absent']),
        parent=dict(type='str'),
        vlan_id=dict(type='int'),
        mtu=dict(type='int'),
        address=dict(type='str'),
        routes=dict(type='list', elements='str'),
        take_over=dict(type='bool', default=False),
        persist=dict(type='str', choices=['networkd', 'none']),
        parent_network_file=dict(type='str'),
    )
    module = AnsibleModule(argument_spec=dict(
        config=dict(type='list', elements='dict', options=item_spec, default=[]),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        persist=dict(type='str', choices=['networkd', 'none'], default='none'),
        runtime=dict(type='bool', default=True),
    ), supports_check_mode=True)
    host = socket.gethostname()
    runtime = module.params['runtime']
    items = _links.normalise(module.params['config'], module.params)
    problems = _links.static_problems(items, runtime)
    if problems:
        module.fail_json(msg=_links.summary(host, problems), errors=[_links.format_problem(host, p) for p in problems])

    host_links = read_host(module)
    own, network_files = read_files()
    problems = _links.ownership_problems(items, host_links, own, runtime)
    plans, planned_files, probed = [], {}, {}
    for item in sorted(items, key=phase):
        link = host_links.get(item['name'])
        action, differences, commands = _links.runtime_plan(item, link, own) if runtime else ('unchanged', [], [])
        kind = _links.KIND.get(item['type'])
        if any(command[:3] == ['ip', 'link', 'add'] for command in commands):
            if kind not in probed:
                probed[kind] = kernel_problem(module, kind, item['name'])
            if probed[kind]:
                problems.append((item['name'],) + probed[kind][1:])
        files = plan_files(item, own, network_files, planned_files, problems)
        if files and action == 'unchanged':
            action = 'persisted'
        plans.append((item, link, action, differences, commands, files))
    if problems:
        module.fail_json(msg=_links.summary(host, problems), errors=[_links.format_problem(host, p) for p in problems])

    actions = []
    for item, link, action, differences, commands, files in plans:
        done = dict(name=item['name'], type=item['type'], action=action, differences=differences,
                    commands=[' '.join(shlex.quote(word) for word in command) for command in commands],
                    files_written=sorted(path for path, text in files.items() if text is not None),
                    files_removed=sorted(path for path, text in files.items() if text is None))
        actions.append(done)
        if module.check_mode:
            continue
        for command in commands:
            rc, out, err = module.run_command(command)
            if rc != 0:
                module.fail_json(msg='interface "%s" on %s: "%s" failed: %s' % (item['name'], host, ' '.join(command), err.strip()),
                                 actions=actions, changed=True)
        apply_files(module, files)

    before = [_links.view(item, host_links.get(item['name'])) for item, _l, _a, _d, _c, _f in plans]
    if module.check_mode or not runtime:
        after = [_links.desired_view(item, old, host_links) if runtime else old for (item, _l, _a, _d, _c, _f), old in zip(plans, before)]
    else:
        now = read_host(module)
        after = [_links.view(item, now.get(item['name'])) for item, _l, _a, _d, _c, _f in plans]
    changed = any(action['action'] != 'unchanged' for action in actions)
    result = dict(changed=changed, before=before, after=after, actions=actions)
    if module._diff:
        key = ['%s %s' % (view['type'], view['name']) for view in before]
        result['diff'] = [dict(before=dict(zip(key, before)), after=dict(zip(key, after)), before_header='interfaces', after_header='interfaces')]
        for path, text in sorted((path, text) for plan in plans for path, text in plan[5].items()):
            result['diff'].append(dict(before=own.get(path, ''), after=text or '', before_header=os.path.join(ETC, path),
                                       after_header=os.path.join(ETC, path)))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
