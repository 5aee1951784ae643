# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""parent_interfaces: the host links macvlan and ipvlan networks stand on (VLANs, shims, promiscuous mode).

The module file holds the documentation and calls ``run``: check the whole config (_parent_interfaces_checks),
plan the iproute2 commands and networkd files (_networkd), carry them out, report before/after. Host reads
are in _host_reads. Everything but ``run`` and ``apply`` is pure logic and unit-tested.
"""

import shlex
import socket

from ansible_collections.fleetnet.docker.plugins.module_utils import _networkd
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import link_kind_problem, read_links
from ansible_collections.fleetnet.docker.plugins.module_utils._networkd import KIND
from ansible_collections.fleetnet.docker.plugins.module_utils._parent_interfaces_checks import (
    FIELDS, MARK, InterfaceFailure, cidr, failure, host_problems, normalise, static_problems)
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

ITEM_SPEC = dict(
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
ARGUMENT_SPEC = dict(
    config=dict(type='list', elements='dict', options=ITEM_SPEC, default=[]),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    persist=dict(type='str', choices=['networkd', 'none'], default='none'),
    runtime=dict(type='bool', default=True),
)


# ---------------------------------------------------------------- the host as it is

def view(item, link):
    """An item as it is on the host, in the config format (state absent when the link is missing)."""
    name, kind = item['name'], item['type']
    if kind == 'promiscuous':
        on = bool(link and link['promiscuous'])
        return {'name': name, 'type': kind, 'state': 'present' if on else 'absent'}
    if not link or link['kind'] != KIND[kind]:
        return {'name': name, 'type': kind, 'state': 'absent'}
    result = {'name': name, 'type': kind, 'state': 'present', 'parent': link['parent'], 'mtu': link['mtu']}
    if kind == 'vlan':
        result['vlan_id'] = link['vlan_id']
    else:
        result['address'] = link['addresses'][0] if len(link['addresses']) == 1 else (link['addresses'] or None)
        result['routes'] = sorted(link['routes'])
    return result


def desired_view(item, before, host_links):
    """What the item becomes: an mtu not given stays as it is, or a new link inherits its parent's, as in the kernel."""
    if item['state'] == 'absent':
        return {'name': item['name'], 'type': item['type'], 'state': 'absent'}
    result = {'name': item['name'], 'type': item['type'], 'state': 'present'}
    for field in FIELDS[item['type']]:
        result[field] = item.get(field)
    if item['type'] == 'shim':
        result['address'] = str(cidr(item['address'], True)[0])
        result['routes'] = sorted(str(cidr(route, False)[0]) for route in item.get('routes') or [])
    if 'mtu' in result and result['mtu'] is None:
        if before.get('state') == 'present' and before.get('parent') == item['parent'] and before.get('vlan_id') == item.get('vlan_id'):
            result['mtu'] = before.get('mtu')
        else:
            result['mtu'] = (host_links.get(item['parent']) or {}).get('mtu')
    return result


# ---------------------------------------------------------------- runtime plan

def runtime_plan(item, link, own_files):
    """(action, differences, commands) that make the running kernel match the item; commands are argv lists."""
    name, kind = item['name'], item['type']
    if kind == 'promiscuous':
        want = item['state'] == 'present'
        if link is None or link['promiscuous'] == want:
            return 'unchanged', [], []
        return 'updated', ['promiscuous'], [['ip', 'link', 'set', 'dev', name, 'promisc', 'on' if want else 'off']]
    if item['state'] == 'absent':
        if link is None:
            return 'unchanged', [], []
        return 'deleted', ['state'], [['ip', 'link', 'del', 'dev', name]]
    commands, differences = [], []
    if link is not None and link['kind'] == KIND[kind]:
        for field, current, wanted in (('parent', link['parent'], item['parent']),
                                       ('vlan_id', link['vlan_id'], item.get('vlan_id') if kind == 'vlan' else None),
                                       ('mode', link['mode'], 'bridge' if kind == 'shim' else None)):
            if current != wanted:
                differences.append(field)
    elif link is not None:
        differences.append('type')
    if link is not None and differences:
        # A link's kind, parent, VLAN id and macvlan mode are fixed when it is made.
        commands.append(['ip', 'link', 'del', 'dev', name])
        link = None
    action = 'recreated' if differences else ('created' if link is None else 'updated')
    # A new link's own steps (alias, up, address...) are not differences: the link itself was missing.
    fixed = list(differences) or ['state']
    if link is None:
        add = ['ip', 'link', 'add', 'link', item['parent'], 'name', name]
        add += ['mtu', str(item['mtu'])] if item.get('mtu') else []
        add += ['type', 'vlan', 'id', str(item['vlan_id'])] if kind == 'vlan' else ['type', 'macvlan', 'mode', 'bridge']
        commands.append(add)
        link = {'alias': None, 'mtu': item.get('mtu'), 'up': False, 'addresses': [], 'routes': []}
        differences = differences or ['state']
    if link['alias'] != MARK:
        commands.append(['ip', 'link', 'set', 'dev', name, 'alias', MARK])
        differences.append('ownership')
    if item.get('mtu') and link['mtu'] != item['mtu']:
        commands.append(['ip', 'link', 'set', 'dev', name, 'mtu', str(item['mtu'])])
        differences.append('mtu')
    if not link['up']:
        commands.append(['ip', 'link', 'set', 'dev', name, 'up'])
        differences.append('up')
    if kind == 'shim':
        wanted = str(cidr(item['address'], True)[0])
        extra = [address for address in link['addresses'] if address != wanted]
        # The new address goes on first: when a link loses its last IPv4 address the kernel flushes its routes.
        if wanted not in link['addresses']:
            commands.append(['ip', 'addr', 'add', wanted, 'dev', name])
        commands += [['ip', 'addr', 'del', address, 'dev', name] for address in extra]
        if extra or wanted not in link['addresses']:
            differences.append('address')
        routes = sorted(str(cidr(route, False)[0]) for route in item.get('routes') or [])
        stale = sorted(set(link['routes']) - set(routes))
        missing = [route for route in routes if route not in link['routes']]
        commands += [['ip', 'route', 'del', route, 'dev', name] for route in stale]
        commands += [['ip', 'route', 'add', route, 'dev', name] for route in missing]
        if stale or missing:
            differences.append('routes')
    if not commands:
        return 'unchanged', [], []
    if action == 'updated' and differences == ['ownership'] and not _networkd.makes_link(item, own_files):
        action = 'adopted'
    if action in ('created', 'recreated'):
        differences = fixed
    return action, sorted(set(differences), key=differences.index), commands


# ---------------------------------------------------------------- the run

def phase(item):
    """Removals before creations, VLANs before the shims that may stand on them; reversed for removals."""
    present = item['state'] == 'present'
    order = {'shim': (0, 3), 'vlan': (1, 2), 'promiscuous': (4, 4)}[item['type']]
    return order[1] if present else order[0]


def kernel_problem(module, kind, name, probed):
    """The problem of a new link whose kind this kernel lacks (probed once per kind), or None."""
    if kind not in probed:
        probed[kind] = link_kind_problem(module, kind)
    if not probed[kind]:
        return None
    support = '802.1q VLAN' if kind == 'vlan' else kind
    return (name, 'type', '%s needs %s links, which the kernel of this host does not support ("ip link add ... type %s": %s)'
            % ('vlan' if kind == 'vlan' else 'shim', support, kind, probed[kind]))


def plan(module, items, host_links, route_table, own, network_files, problems):
    """[(item, action, differences, commands, files)] in the order they run, or raise an InterfaceFailure with every problem.

    ``problems`` are those found in the config alone; the items they name are not checked against the host.
    """
    runtime = module.params['runtime']
    named = set(problem[0] for problem in problems)
    items = [item for item in items if item.get('name') and item['name'] not in named]
    problems = problems + host_problems(items, host_links, route_table, own, runtime)
    plans, planned_files, probed = [], {}, {}
    for item in sorted(items, key=phase):
        action, differences, commands = runtime_plan(item, host_links.get(item['name']), own) if runtime else ('unchanged', [], [])
        if any(command[:3] == ['ip', 'link', 'add'] for command in commands):
            problem = kernel_problem(module, KIND[item['type']], item['name'], probed)
            problems += [problem] if problem else []
        files = _networkd.plan_files(item, own, network_files, planned_files, problems)
        if files and action == 'unchanged':
            action = 'persisted'
        plans.append((item, action, differences, commands, files))
    if problems:
        raise failure(socket.gethostname(), problems)
    return plans


def apply(module, plans):
    """Run each plan's commands and write its files; the actions, as far as they got, when a command fails."""
    actions = []
    for item, action, differences, commands, files in plans:
        actions.append(dict(name=item['name'], type=item['type'], action=action, differences=differences,
                            commands=[' '.join(shlex.quote(word) for word in command) for command in commands],
                            files_written=sorted(path for path, text in files.items() if text is not None),
                            files_removed=sorted(path for path, text in files.items() if text is None)))
        if module.check_mode:
            continue
        for command in commands:
            rc, _out, err = module.run_command(command)
            if rc != 0:
                raise InterfaceFailure('interface "%s" on %s: "%s" failed: %s'
                                       % (item['name'], socket.gethostname(), ' '.join(command), err.strip()),
                                       done=actions, changed=True)
        _networkd.write_files(module, files)
    return actions


def run(module):
    """The result of parent_interfaces for ``module.params``; raises InterfaceFailure."""
    runtime = module.params['runtime']
    items = normalise(module.params['config'], module.params)
    host_links, route_table = read_links(module)
    own, network_files = _networkd.read_files()
    plans = plan(module, items, host_links, route_table, own, network_files, static_problems(items, runtime))
    actions = apply(module, plans)

    before = [view(item, host_links.get(item['name'])) for item, _a, _d, _c, _f in plans]
    if module.check_mode or not runtime:
        after = [desired_view(item, old, host_links) if runtime else old for (item, _a, _d, _c, _f), old in zip(plans, before)]
    else:
        try:
            now = read_links(module)[0]
        except ModuleFailure as failure:
            raise failure.record(actions, changed=result_changed(actions), kind='interface')
        after = [view(item, now.get(item['name'])) for item, _a, _d, _c, _f in plans]
    result = dict(changed=result_changed(actions), before=before, after=after, actions=actions)
    if module._diff:
        result['diff'] = diff(plans, before, after, own)
    return result


def result_changed(actions):
    return any(action['action'] != 'unchanged' for action in actions)


def diff(plans, before, after, own):
    """Links before/after, then each networkd file that changes."""
    key = ['%s %s' % (entry['type'], entry['name']) for entry in before]
    result = [dict(before=dict(zip(key, before)), after=dict(zip(key, after)), before_header='interfaces', after_header='interfaces')]
    for path, text in sorted((path, text) for plan_entry in plans for path, text in plan_entry[4].items()):
        header = '%s/%s' % (_networkd.ETC, path)
        result.append(dict(before=own.get(path, ''), after=text or '', before_header=header, after_header=header))
    return result
