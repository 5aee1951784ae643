# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systemd-networkd files of parent_interfaces: which ones are ours, what they say, writing them.

A link made at runtime is gone after a reboot; these files make networkd create it again. Only files
with our prefixes are ever written or removed, and only in /etc/systemd/network.
"""

import fnmatch
import ipaddress
import os

# Our networkd files carry this prefix; nothing else in /etc/systemd/network is ever written or removed.
FILE_PREFIX = '10-fleetnet-'
DROPIN_PREFIX = 'fleetnet-'
HEADER = '# Managed by fleetnet.docker parent_interfaces; changes made here are overwritten.\n'
NETWORKD_DIRS = ('/etc/systemd/network', '/run/systemd/network', '/usr/local/lib/systemd/network',
                 '/usr/lib/systemd/network', '/lib/systemd/network')
ETC = NETWORKD_DIRS[0]
# The kernel (and networkd) link kind of each item type that is a link of its own.
KIND = {'vlan': 'vlan', 'shim': 'macvlan'}


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
        network = [('Address', str(ipaddress.ip_interface(item['address'])))] + network
        sections = [('Route', [('Destination', str(ipaddress.ip_network(route)))]) for route in item.get('routes') or []]
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


def makes_link(item, files):
    """Does one of our files create this item's link (after a reboot its ifalias is gone)?"""
    return FILE_PREFIX + item['name'] + '.netdev' in files


def read_files():
    """Our own files ({relative path: text}) and every .network file networkd would read ({basename: text})."""
    own, network_files = {}, {}
    for directory in NETWORKD_DIRS:
        for entry in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
            path = os.path.join(directory, entry)
            # /etc comes first and overrides a file of the same name further down, as in networkd.
            if entry.endswith('.network') and os.path.isfile(path) and entry not in network_files:
                with open(path) as handle:
                    network_files[entry] = handle.read()
            if directory != ETC:
                continue
            if entry.startswith(FILE_PREFIX) and os.path.isfile(path):
                with open(path) as handle:
                    own[entry] = handle.read()
            elif entry.endswith('.network.d') and os.path.isdir(path):
                for name in sorted(os.listdir(path)):
                    if name.startswith(DROPIN_PREFIX):
                        with open(os.path.join(path, name)) as handle:
                            own[entry + '/' + name] = handle.read()
    return own, network_files


def plan_files(item, own, network_files, planned_files, problems):
    """{path: text or None (remove)} for this item's networkd files; a missing parent file is a problem."""
    mine = dict((path, text) for path, text in own.items() if owned_by(item, path))
    if item['state'] == 'absent':
        return dict((path, None) for path in mine)
    if item['persist'] != 'networkd':
        return {}
    interface = item['name'] if item['type'] == 'promiscuous' else item['parent']
    network_file = item.get('parent_network_file')
    if not network_file:
        candidates = dict(network_files)
        candidates.update((path, text) for path, text in planned_files.items() if '/' not in path and path.endswith('.network'))
        network_file = find_network_file(interface, candidates)
    if not network_file:
        problems.append((item['name'], 'parent_network_file', 'is needed for persist: networkd: no .network file in %s matches '
                         '"%s"; name the file systemd-networkd configures it with' % (', '.join(NETWORKD_DIRS), interface)))
        return {}
    wanted = render_files(item, network_file)
    planned_files.update(wanted)
    changes = dict((path, None) for path in mine if path not in wanted)
    changes.update((path, text) for path, text in wanted.items() if mine.get(path) != text)
    return changes


def write_files(module, changes):
    """Write (text) or remove (None) our files, each atomically."""
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
