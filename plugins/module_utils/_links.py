# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host links that macvlan and ipvlan networks stand on: VLAN sub-interfaces, host shims, promiscuous mode.

Everything here is pure logic over parsed ``ip -j`` output and file contents, so it can be unit
tested; the module runs the commands and writes the files this code plans. iproute2 is used rather
than /sys because it speaks netlink in the host's own network namespace, where /sys may show another.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import ipaddress
import os
import re

# Written as the ifalias of every link we create: the kernel keeps it with the link, so a later run
# (or another tool, or a human with `ip link`) can tell our links from everything else on the host.
MARK = 'managed-by fleetnet.docker'
# Our networkd files carry this prefix; nothing else in /etc/systemd/network is ever written or removed.
FILE_PREFIX = '10-fleetnet-'
DROPIN_PREFIX = 'fleetnet-'
HEADER = '# Managed by fleetnet.docker parent_interfaces; changes made here are overwritten.\n'
NETWORKD_DIRS = ('/etc/systemd/network', '/run/systemd/network', '/usr/local/lib/systemd/network',
                 '/usr/lib/systemd/network', '/lib/systemd/network')
KIND = {'vlan': 'vlan', 'shim': 'macvlan'}
# Fields each type accepts besides name/type/state/persist/take_over/parent_network_file.
FIELDS = {
    'vlan': ('parent', 'vlan_id', 'mtu'),
    'shim': ('parent', 'address', 'routes', 'mtu'),
    'promiscuous': (),
}
IFNAME = re.compile(r'^[^\s/:]{1,15}$')


def _cidr(value, host_bits_allowed):
    """ipaddress object for a CIDR string, or a reason why it is not one."""
    if not isinstance(value, str) or '/' not in value:
        return None, '"%s" is not a valid CIDR (address/prefix length)' % (value,)
    try:
        if host_bits_allowed:
            return ipaddress.ip_interface(value), None
        return ipaddress.ip_network(value), None
    except ValueError as exc:
        if not host_bits_allowed and 'host bits set' in str(exc):
            return None, '"%s" has host bits set; write the network address' % value
        return None, '"%s" is not a valid CIDR' % value


def normalise(config, defaults):
    """Items with every field present; module-level state/persist fill per-item gaps."""
    items = []
    for raw in config or []:
        item = dict(raw)
        for key in ('state', 'persist'):
            if item.get(key) is None:
                item[key] = defaults[key]
        item['take_over'] = bool(item.get('take_over'))
        if item.get('type') == 'vlan' and not item.get('name') and item.get('parent') and item.get('vlan_id') is not None:
            item['name'] = '%s.%s' % (item['parent'], item['vlan_id'])
        if item.get('routes') is not None:
            item['routes'] = list(item['routes'])
        items.append(item)
    return items


def static_problems(items, runtime):
    """(interface, field, reason) for every problem visible in the config alone."""
    problems = []
    seen = {}
    for item in items:
        name, kind = item.get('name'), item['type']
        if not name:
            problems.append(('?', 'name', 'is required (a vlan may give parent and vlan_id instead)'))
            continue
        if not IFNAME.match(name):
            problems.append((name, 'name', 'is not a valid interface name (1-15 characters, no "/", ":" or spaces)'))
        # A promiscuous item names an existing link; a vlan or shim with that name is another matter.
        key = (name, kind == 'promiscuous')
        seen[key] = seen.get(key, 0) + 1
        for field in ('parent', 'vlan_id', 'address', 'routes', 'mtu'):
            if item.get(field) is not None and field not in FIELDS[kind]:
                problems.append((name, field, 'does not apply to type %s' % kind))
        if kind in ('vlan', 'shim') and item['state'] == 'present' and not item.get('parent'):
            problems.append((name, 'parent', 'is required for type %s' % kind))
        if item.get('parent') == name:
            problems.append((name, 'parent', 'cannot be the interface itself'))
        if kind == 'vlan' and item['state'] == 'present':
            vlan_id = item.get('vlan_id')
            if vlan_id is None:
                problems.append((name, 'vlan_id', 'is required for type vlan'))
            elif not 1 <= vlan_id <= 4094:
                problems.append((name, 'vlan_id', '%s is out of range 1-4094' % vlan_id))
        if item.get('mtu') is not None and not 68 <= item['mtu'] <= 65535:
            problems.append((name, 'mtu', '%s is out of range 68-65535' % item['mtu']))
        if kind == 'shim' and item['state'] == 'present':
            if item.get('address') is None:
                problems.append((name, 'address', 'is required for type shim (the host\'s address on the shim)'))
            else:
                problems.extend((name, 'address', reason) for reason in [_cidr(item['address'], True)[1]] if reason)
            for route in item.get('routes') or []:
                problems.extend((name, 'routes', reason) for reason in [_cidr(route, False)[1]] if reason)
    for (name, _promiscuous), count in sorted(seen.items()):
        if count > 1:
            problems.append((name, 'name', 'is listed %d times in config' % count))
    if not runtime and any(item['persist'] != 'networkd' for item in items):
        problems.append(('*', 'runtime', 'false needs persist: networkd, else there is nothing to do'))
    return problems


# ---------------------------------------------------------------- the host as it is

def links_from_json(links, addresses, routes):
    """{name: state} from ``ip -j -d link show``, ``ip -j addr show`` and ``ip -j route show`` (both families)."""
    state = {}
    for link in links or []:
        info = link.get('linkinfo') or {}
        data = info.get('info_data') or {}
        state[link['ifname']] = {
            'kind': info.get('info_kind'),
            'parent': link.get('link'),
            'vlan_id': data.get('id') if info.get('info_kind') == 'vlan' else None,
            'mode': data.get('mode'),
            'mtu': link.get('mtu'),
            'up': 'UP' in (link.get('flags') or []),
            # PROMISC in flags is what was asked for with `ip link set promisc`; the `promiscuity`
            # counter also counts bridges, tcpdump and macvlan passthru, which are not ours to undo.
            'promiscuous': 'PROMISC' in (link.get('flags') or []),
            'alias': link.get('ifalias'),
            'addresses': [],
            'routes': [],
        }
    for link in addresses or []:
        entry = state.get(link.get('ifname'))
        for info in (link.get('addr_info') or []) if entry else []:
            if info.get('scope') == 'link' or 'local' not in info:
                continue  # IPv6 link-local addresses come with every link; nobody configured them.
            entry['addresses'].append(str(ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen']))))
    for route in routes or []:
        entry = state.get(route.get('dev'))
        # Kernel routes follow from addresses; they are not configured on their own.
        if not entry or route.get('protocol') == 'kernel' or route.get('dst', 'default') == 'default':
            continue
        entry['routes'].append(str(ipaddress.ip_network(route['dst'], strict=False)))
    return state


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
        result['address'] = str(_cidr(item['address'], True)[0])
        result['routes'] = sorted(str(_cidr(route, False)[0]) for route in item.get('routes') or [])
    if 'mtu' in result and result['mtu'] is None:
        if before.get('state') == 'present' and before.get('parent') == item['parent'] and before.get('vlan_id') == item.get('vlan_id'):
            result['mtu'] = before.get('mtu')
        else:
            result['mtu'] = (host_links.get(item['parent']) or {}).get('mtu')
    return result


def ours(item, link, files):
    """Was this link made by us: our ifalias, or our networkd file creates it (after a reboot the alias is gone)."""
    return link.get('alias') == MARK or FILE_PREFIX + item['name'] + '.netdev' in files


def ownership_problems(items, host_links, own_files, runtime):
    """Links we would change that are not ours, unless take_over; and parents that do not exist."""
    problems = []
    planned = set(item['name'] for item in items if item['type'] in KIND and item['state'] == 'present')
    listing = ', '.join(sorted(host_links)) or 'none'
    for item in items:
        name, kind = item['name'], item['type']
        link = host_links.get(name)
        if kind == 'promiscuous':
            if runtime and link is None and name not in planned:
                problems.append((name, 'name', 'does not exist; interfaces on the host: %s' % listing))
            continue
        if runtime and item['state'] == 'present' and item['parent'] not in host_links and item['parent'] not in planned:
            problems.append((name, 'parent', '"%s" does not exist; interfaces on the host: %s' % (item['parent'], listing)))
        if not runtime or link is None or ours(item, link, own_files):
            continue
        if not item['take_over']:
            problems.append((name, 'take_over', 'the %s link "%s" exists and was not created by fleetnet.docker '
                             '(no ifalias "%s"); it is left alone unless take_over is true'
                             % (link['kind'] or 'plain', name, MARK)))
        elif item['state'] == 'present' and link['kind'] != KIND[kind]:
            problems.append((name, 'take_over', 'the existing link is a %s link, not %s; it cannot be adopted as a %s'
                             % (link['kind'] or 'plain', KIND[kind], kind)))
    return problems


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
        wanted = str(_cidr(item['address'], True)[0])
        extra = [address for address in link['addresses'] if address != wanted]
        # The new address goes on first: when a link loses its last IPv4 address the kernel flushes its routes.
        if wanted not in link['addresses']:
            commands.append(['ip', 'addr', 'add', wanted, 'dev', name])
        commands += [['ip', 'addr', 'del', address, 'dev', name] for address in extra]
        if extra or wanted not in link['addresses']:
            differences.append('address')
        routes = sorted(str(_cidr(route, False)[0]) for route in item.get('routes') or [])
        stale = sorted(set(link['routes']) - set(routes))
        missing = [route for route in routes if route not in link['routes']]
        commands += [['ip', 'route', 'del', route, 'dev', name] for route in stale]
        commands += [['ip', 'route', 'add', route, 'dev', name] for route in missing]
        if stale or missing:
            differences.append('routes')
    if not commands:
        return 'unchanged', [], []
    if action == 'updated' and differences == ['ownership'] and FILE_PREFIX + name + '.netdev' not in own_files:
        action = 'adopted'
    if action in ('created', 'recreated'):
        differences = fixed
    return action, sorted(set(differences), key=differences.index), commands


# ---------------------------------------------------------------- systemd-networkd files

def parse_match_names(text):
    """The Name= patterns of a .network file's [Match] section."""
    names, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('['):
            section = line
        elif section == '[Match]' and line.startswith('Name='):
            value = line[len('Name='):].strip()
            names = [] if not value else names + value.lstrip('!').split()
    return names


def find_network_file(interface, network_files):
    """Basename of the .network file systemd-networkd would apply to the interface (first match by name)."""
    for basename in sorted(network_files):
        if any(fnmatch.fnmatchcase(interface, pattern) for pattern in parse_match_names(network_files[basename])):
            return basename
    return None


def _ini(sections):
    text = HEADER
    for title, entries in sections:
        text += '\n[%s]\n' % title + ''.join('%s=%s\n' % entry for entry in entries)
    return text


def render_files(item, parent_network_file):
    """{path relative to /etc/systemd/network: content} that make the item come back at boot."""
    name, kind = item['name'], item['type']
    if kind == 'promiscuous':
        return {'%s.d/%s' % (parent_network_file, dropin_name(item)): _ini([('Link', [('Promiscuous', 'yes')])])}
    netdev = [('Name', name), ('Kind', KIND[kind])] + ([('MTUBytes', item['mtu'])] if item.get('mtu') else [])
    extra = ('VLAN', [('Id', item['vlan_id'])]) if kind == 'vlan' else ('MACVLAN', [('Mode', 'bridge')])
    network = [('LinkLocalAddressing', 'no')]
    sections = []
    if kind == 'shim':
        network = [('Address', str(_cidr(item['address'], True)[0]))] + network
        sections = [('Route', [('Destination', str(_cidr(route, False)[0]))]) for route in item.get('routes') or []]
    else:
        # A VLAN carries no address of its own here; it must still come up for macvlan networks on it.
        network.append(('ConfigureWithoutCarrier', 'yes'))
    return {
        FILE_PREFIX + name + '.netdev': _ini([('NetDev', netdev), extra]),
        FILE_PREFIX + name + '.network': _ini([('Match', [('Name', name)]), ('Network', network)] + sections),
        '%s.d/%s' % (parent_network_file, dropin_name(item)): _ini([('Network', [('VLAN' if kind == 'vlan' else 'MACVLAN', name)])]),
    }


def dropin_name(item):
    """Our drop-in in the parent's .network.d/; named after the item, as several items share one parent."""
    if item['type'] == 'promiscuous':
        return '%spromiscuous-%s.conf' % (DROPIN_PREFIX, item['name'])
    return '%slink-%s.conf' % (DROPIN_PREFIX, item['name'])


def owned_by(item, path):
    """Does a path (relative to /etc/systemd/network) among our files belong to this item?"""
    if item['type'] != 'promiscuous' and path in (FILE_PREFIX + item['name'] + '.netdev', FILE_PREFIX + item['name'] + '.network'):
        return True
    return '/' in path and os.path.basename(path) == dropin_name(item)


def format_problem(host, problem):
    name, field, reason = problem
    if name == '*':
        return 'parent_interfaces on %s: %s %s' % (host, field, reason)
    return 'interface "%s" on %s: %s %s' % (name, host, field, reason)


def summary(host, problems):
    lines = [format_problem(host, problem) for problem in problems]
    if len(lines) == 1:
        return lines[0] + '; nothing was changed'
    return '%d problems, nothing was changed: %s' % (len(lines), '; '.join(lines))
