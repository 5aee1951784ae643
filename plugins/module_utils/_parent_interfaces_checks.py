# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""parent_interfaces: every check of a config, and the one way its problems are worded.

A problem is (interface, field, reason); ``format_problem`` makes it ``interface "x" on HOST: field
reason``. The whole config is checked, first on its own and then against the host (links, routes,
MTUs, ownership), so that a run reports every problem at once and changes nothing when there is one.
Pure logic over parsed ``ip -j`` output (see _host_reads), unit-tested.
"""

import ipaddress
import re

from ansible_collections.fleetnet.docker.plugins.module_utils import _networkd
from ansible_collections.fleetnet.docker.plugins.module_utils._networkd import KIND
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

MARK = 'managed-by fleetnet.docker'
# Fields each type accepts besides name/type/state/persist/take_over/parent_network_file.
FIELDS = {
    'vlan': ('parent', 'vlan_id', 'mtu'),
    'shim': ('parent', 'address', 'routes', 'mtu'),
    'promiscuous': (),
}
# Linux keeps interface names in 16 bytes with the terminating NUL (IFNAMSIZ): 15 characters at most.
IFNAME = re.compile(r'^[^\s/:]{1,15}$')
IFNAME_RULE = 'is not a valid interface name (1-15 characters, no "/", ":" or spaces)'


class InterfaceFailure(ModuleFailure):
    """A parent_interfaces failure: its problems are about interfaces, or the whole run ("*")."""

    kind = 'interface'

    def lines(self):
        return [format_problem(self.host, problem) for problem in self.problems] + self.also + \
            ([self.message] if self.message else [])

    def done_text(self):
        # The ``actions`` say how far the commands got; the last one is the interface whose command failed.
        return ''


def cidr(value, host_bits_allowed):
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
            problems.append((name, 'name', IFNAME_RULE))
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
                problems.extend((name, 'address', reason) for reason in [cidr(item['address'], True)[1]] if reason)
            for route in item.get('routes') or []:
                problems.extend((name, 'routes', reason) for reason in [cidr(route, False)[1]] if reason)
    problems.extend(_shared_routes(items))
    for (name, _promiscuous), count in sorted(seen.items()):
        if count > 1:
            problems.append((name, 'name', 'is listed %d times in config' % count))
    if not runtime and any(item['persist'] != 'networkd' for item in items):
        problems.append(('*', 'runtime', 'false needs persist: networkd, else there is nothing to do'))
    return problems


def _shared_routes(items):
    # Two shims cannot both route one destination: the second `ip route add` fails with "File exists".
    problems, first = [], {}
    for item in items:
        if item['type'] != 'shim' or item['state'] != 'present':
            continue
        for route in item.get('routes') or []:
            network, reason = cidr(route, False)
            if reason:
                continue
            owner = first.setdefault(str(network), item['name'])
            if owner != item['name']:
                problems.append((item['name'], 'routes', '%s is also routed through "%s" in config; a destination has one route'
                                 % (network, owner)))
    return problems


# ---------------------------------------------------------------- the host as it is
def ours(item, link, files):
    """Was this link made by us: our ifalias, or our networkd file creates it (after a reboot the alias is gone)."""
    return link.get('alias') == MARK or _networkd.makes_link(item, files)


def host_problems(items, host_links, route_table, own_files, runtime):
    """Everything the host would refuse half way through: ownership, missing parents, MTUs, routes."""
    problems = ownership_problems(items, host_links, own_files, runtime)
    if runtime:
        problems += mtu_problems(items, host_links) + route_problems(items, host_links, route_table)
    return problems


def _planned_mtu(name, planned, host_links, seen=()):
    """The MTU a link will have after the run: as given, kept, or (new) inherited from its parent."""
    item = planned.get(name)
    if item is None or name in seen:
        return (host_links.get(name) or {}).get('mtu')
    if item.get('mtu'):
        return item['mtu']
    if name in host_links and host_links[name].get('kind') == KIND[item['type']]:
        return host_links[name].get('mtu')
    return _planned_mtu(item['parent'], planned, host_links, seen + (name,))


def mtu_problems(items, host_links):
    """A vlan or shim larger than its parent: the kernel refuses the link (or the MTU change)."""
    planned = dict((item['name'], item) for item in items if item['type'] in KIND and item['state'] == 'present')
    problems = []
    for item in planned.values():
        parent_mtu = _planned_mtu(item['parent'], planned, host_links)
        if item.get('mtu') and parent_mtu and item['mtu'] > parent_mtu:
            problems.append((item['name'], 'mtu', '%s is above the MTU of its parent "%s" (%s); the kernel refuses a larger one'
                             % (item['mtu'], item['parent'], parent_mtu)))
    return problems


def route_problems(items, host_links, route_table):
    """A shim route whose destination the host already routes elsewhere: `ip route add` fails with "File exists"."""
    leaving = set(item['name'] for item in items if item['state'] == 'absent' and item['type'] in KIND)
    problems = []
    for item in items:
        if item['type'] != 'shim' or item['state'] != 'present':
            continue
        for route in item.get('routes') or []:
            destination = str(cidr(route, False)[0])
            others = [device for device in route_table.get(destination, []) if device != item['name'] and device not in leaving]
            if others:
                problems.append((item['name'], 'routes', '%s already exists on the host through interface %s '
                                 '(ip route add would fail with "File exists")' % (destination, ', '.join(sorted(set(others))))))
    return problems


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


def format_problem(host, problem):
    name, field, reason = problem
    if name == '*':
        return 'parent_interfaces on %s: %s %s' % (host, field, reason)
    return 'interface "%s" on %s: %s %s' % (name, host, field, reason)


def summary(host, problems):
    return InterfaceFailure(problems=problems, host=host).text()


def failure(host, problems):
    """The InterfaceFailure of a run with validation problems: nothing was changed."""
    return InterfaceFailure(problems=problems, host=host)
