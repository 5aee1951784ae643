# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of host_routes: routes of the host's main table that the collection owns, by their protocol number.

A route the module makes carries the routing protocol number ``protocol`` (default 203, a number
iproute2 names nothing): the kernel keeps it with the route, ``ip -j route`` shows it, and the module
only ever changes or removes routes with that number. A route to a listed destination that another
owner made (the kernel, DHCP, an admin) is an error, never replaced. Kept across reboots, when asked,
as [Route] sections in a systemd-networkd drop-in of the outgoing interface's .network file.
"""

import ipaddress
import socket

from ansible_collections.fleetnet.docker.plugins.module_utils import _host_reads, _networkd
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

DEFAULT_PROTOCOL = 203
DROPIN = _networkd.DROPIN_PREFIX + 'routes.conf'


def parse_items(config, state, problems):
    """[{destination, via}] in canonical form; a bad item adds (destination, field, reason) to problems."""
    items, seen = [], set()
    for item in config or []:
        destination = item.get('destination')
        try:
            network = ipaddress.ip_network(str(destination), strict=True)
        except ValueError as exc:
            problems.append((destination, 'destination', 'is not a network in CIDR notation without host bits (%s)' % exc))
            continue
        if network.prefixlen == 0:
            problems.append((destination, 'destination', 'is a default route, which this module leaves alone'))
            continue
        if str(network) in seen:
            problems.append((destination, 'destination', 'is listed twice'))
            continue
        seen.add(str(network))
        via = item.get('via')
        if via is None and state == 'deleted':
            items.append(dict(destination=str(network), via=None))
            continue
        try:
            gateway = ipaddress.ip_address(str(via))
        except ValueError:
            problems.append((destination, 'via', '"%s" is not an IP address' % (via,)))
            continue
        if gateway.version != network.version:
            problems.append((destination, 'via', '%s is not of the destination\'s IP version' % gateway))
            continue
        items.append(dict(destination=str(network), via=str(gateway)))
    return items


def connected(addresses_json):
    """[(interface, ip_interface)] of the host's addresses (``ip -j addr show``)."""
    found = []
    for link in addresses_json or []:
        for info in link.get('addr_info') or []:
            try:
                found.append((link.get('ifname'), ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen']))))
            except (KeyError, ValueError):
                continue
    return found


def table(routes_json):
    """{destination: route} of the main table, each route with destination, via, interface and protocol."""
    routes = {}
    for route in routes_json or []:
        try:
            destination = str(ipaddress.ip_network(str(route.get('dst')), strict=False))
        except ValueError:
            continue  # "default", and routes without a prefix
        routes[destination] = dict(destination=destination, via=route.get('gateway'), interface=route.get('dev'),
                                   protocol=str(route.get('protocol', 'boot')))
    return routes


def host_problems(items, routes, addresses, protocol, problems):
    """Routes the kernel would refuse, or that would take another owner's route or the host's own subnet."""
    for item in items:
        destination = ipaddress.ip_network(item['destination'])
        current = routes.get(item['destination'])
        if current and current['protocol'] != str(protocol):
            problems.append((item['destination'], 'destination', 'the host already has a route to it that fleetnet.docker '
                             'did not make (via %s, dev %s, protocol %s)' % (current['via'] or '-', current['interface'], current['protocol'])))
        for interface, address in addresses:
            if address.version == destination.version and address.network.overlaps(destination) and address.network.prefixlen > 0:
                problems.append((item['destination'], 'destination', 'overlaps the host\'s own subnet %s of interface %s'
                                 % (address.network, interface)))
        if item['via'] is None:
            continue
        gateway = ipaddress.ip_address(item['via'])
        if any(address.ip == gateway for interface, address in addresses):
            problems.append((item['destination'], 'via', '%s is an address of this host' % gateway))
        elif not outgoing_interface(gateway, addresses):
            own = sorted(set(str(address.network) for interface, address in addresses
                             if address.version == gateway.version and not address.is_loopback))
            problems.append((item['destination'], 'via', '%s is on none of the host\'s own subnets (%s), so the kernel cannot '
                             'reach it directly' % (gateway, ', '.join(own) or 'none')))


def outgoing_interface(gateway, addresses):
    for interface, address in addresses:
        if address.version == gateway.version and gateway in address.network and address.network.prefixlen < address.max_prefixlen:
            return interface
    return None


def plan(items, state, protocol, routes):
    """(actions, commands): what to do with the host's own routes (those with ``protocol``)."""
    ours = dict((destination, route) for destination, route in routes.items() if route['protocol'] == str(protocol))
    listed = dict((item['destination'], item) for item in items)
    actions, commands = [], []
    mark = ['proto', str(protocol)]
    for destination, item in sorted(listed.items()):
        current = ours.get(destination)
        if state == 'deleted':
            if current:
                actions.append(dict(destination=destination, via=current['via'], action='deleted'))
                commands.append(['ip', 'route', 'del', destination] + mark)
            continue
        if current and current['via'] == item['via']:
            continue
        actions.append(dict(destination=destination, via=item['via'], action='updated' if current else 'created'))
        commands.append(['ip', 'route', 'replace', destination, 'via', item['via']] + mark)
    if state == 'overridden':
        for destination, current in sorted(ours.items()):
            if destination not in listed:
                actions.append(dict(destination=destination, via=current['via'], action='deleted'))
                commands.append(['ip', 'route', 'del', destination] + mark)
    return actions, commands


def after(routes, actions, protocol):
    """Our routes once the actions are done: [{destination, via}]."""
    result = dict((destination, route['via']) for destination, route in routes.items() if route['protocol'] == str(protocol))
    for action in actions:
        if action['action'] == 'deleted':
            result.pop(action['destination'], None)
        else:
            result[action['destination']] = action['via']
    return [dict(destination=destination, via=via) for destination, via in sorted(result.items())]


def networkd_files(final, addresses, protocol, own, network_files, problems):
    """{path: text or None} of the drop-ins that bring our routes back at boot, one per outgoing interface."""
    wanted = {}
    by_interface = {}
    for route in final:
        interface = outgoing_interface(ipaddress.ip_address(route['via']), addresses)
        by_interface.setdefault(interface, []).append(route)
    for interface, routes in sorted(by_interface.items(), key=lambda entry: str(entry[0])):
        network_file = _networkd.find_network_file(interface, network_files) if interface else None
        if not network_file:
            problems.append((routes[0]['destination'], 'persist', 'networkd needs a .network file for interface %s in %s'
                             % (interface, ', '.join(_networkd.NETWORKD_DIRS))))
            continue
        sections = [('Route', [('Destination', route['destination']), ('Gateway', route['via']), ('Protocol', protocol)])
                    for route in routes]
        wanted['%s.d/%s' % (network_file, DROPIN)] = _networkd._ini(sections)
    mine = dict((path, text) for path, text in own.items() if path.endswith('/' + DROPIN))
    changes = dict((path, None) for path in mine if path not in wanted)
    changes.update((path, text) for path, text in wanted.items() if mine.get(path) != text)
    return changes


ARGUMENT_SPEC = dict(
    config=dict(type='list', elements='dict', default=[], options=dict(
        destination=dict(type='str', required=True),
        via=dict(type='str'),
    )),
    state=dict(type='str', default='merged', choices=['merged', 'overridden', 'deleted', 'gathered']),
    protocol=dict(type='int', default=DEFAULT_PROTOCOL),
    persist=dict(type='str', default='none', choices=['none', 'networkd']),
)


def run(module, read_ip=None, hostname=None):
    """The result of host_routes for ``module.params``; a ModuleFailure on any problem, before any change.

    ``read_ip(*arguments)``: ``ip -j`` output (a stand-in in unit tests); ``hostname`` for messages.
    """
    ip_json = read_ip or (lambda *arguments: _host_reads.ip_json(module, *arguments))
    hostname = hostname or socket.gethostname()
    params = module.params
    state, protocol = params['state'], params['protocol']
    problems = []
    if not 1 <= protocol <= 255 or protocol in (2, 3, 4):  # 0 is unspec; kernel, boot and static belong to others
        problems.append(('-', 'protocol', '%d is not a free routing protocol number (1 and 5 to 255)' % protocol))
    for item in params['config'] if state not in ('deleted', 'gathered') else []:
        if item.get('via') is None:
            problems.append((item.get('destination'), 'via', 'is required unless state is deleted'))
    items = parse_items([item for item in params['config'] if item.get('via') is not None or state == 'deleted'], state, problems)
    routes = table(ip_json('-4', 'route', 'show', 'table', 'main') + ip_json('-6', 'route', 'show', 'table', 'main'))
    addresses = connected(ip_json('addr', 'show'))
    if state == 'gathered':
        return dict(changed=False, gathered=after(routes, [], protocol), host_prefixes=host_prefixes(routes, addresses, protocol))
    if state != 'deleted':
        host_problems(items, routes, addresses, protocol, problems)
    actions, commands = plan(items, state, protocol, routes)
    final = after(routes, actions, protocol)
    files = {}
    if params['persist'] == 'networkd' or state == 'deleted':
        own, network_files = _networkd.read_files()
        # deleted also takes its routes out of our drop-ins, whatever persist says (as parent_interfaces' absent does).
        if params['persist'] == 'networkd' or any(path.endswith('/' + DROPIN) for path in own):
            files = networkd_files(final, addresses, protocol, own, network_files, problems)
    if problems:
        lines = ['route %s on %s, %s: %s' % (destination, hostname, field, reason) for destination, field, reason in problems]
        raise ModuleFailure(also=lines)
    before = after(routes, [], protocol)
    result = dict(changed=bool(actions or files), before=before, after=final, actions=actions,
                  commands=[' '.join(command) for command in commands],
                  files_written=sorted(path for path, text in files.items() if text is not None),
                  files_removed=sorted(path for path, text in files.items() if text is None))
    if module._diff:
        result['diff'] = dict(before=''.join('%s via %s\n' % (r['destination'], r['via']) for r in before),
                              after=''.join('%s via %s\n' % (r['destination'], r['via']) for r in final),
                              before_header='routes (protocol %d)' % protocol, after_header='routes (protocol %d)' % protocol)
    if module.check_mode:
        return result
    done = []
    for command, action in zip(commands, actions):
        rc, _out, err = module.run_command(command)
        if rc != 0:
            raise ModuleFailure('route %s on %s: "%s" failed: %s' % (action['destination'], hostname, ' '.join(command), err.strip()),
                                done=done, not_done=actions[len(done):])
        done.append(action)
    _networkd.write_files(module, files)
    return result


def read_host_prefixes(module, protocol):
    """host_prefixes of the managed node, read with iproute2 (what gathered returns, for engine_info)."""
    routes = table(_host_reads.ip_json(module, '-4', 'route', 'show', 'table', 'main')
                   + _host_reads.ip_json(module, '-6', 'route', 'show', 'table', 'main'))
    return host_prefixes(routes, connected(_host_reads.ip_json(module, 'addr', 'show')), protocol)


def host_prefixes(routes, addresses, protocol):
    """What the host uses besides our routes, for fleet plans: [{interface, prefix, kind}]."""
    found = [dict(interface=interface, prefix=str(address.network), kind='address') for interface, address in addresses
             if not (address.is_loopback or address.is_link_local)]
    # A connected subnet's own route (the kernel's, on the same interface) says nothing the address does not.
    connected_subnets = set((entry['interface'], entry['prefix']) for entry in found)
    found += [dict(interface=route['interface'], prefix=destination, kind='route') for destination, route in sorted(routes.items())
              if route['protocol'] != str(protocol) and not ipaddress.ip_network(destination).is_link_local
              and not ipaddress.ip_network(destination).is_multicast and (route['interface'], destination) not in connected_subnets]
    return found
