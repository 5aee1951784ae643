# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of the bridge role: each host's bridge networks, routes and daemon defaults, and every problem.

Called through the filter ``fleetnet.docker.bridge_role_plan`` once for the whole play, with what each
host read of itself (engine version, addresses and routes, the bridges of its listed networks). A
network is either the same on every host (``subnet``) or gets each host's own subnet from a fleet pool
(``subnet_pool`` + ``subnet_prefix_length``, numbered as in _fleet_plan.py). A routed network
(``routed: true``) is routed, not NATed, on each host, and every other host gets a route to that host's
subnet through the host's address (``bridge_host_address``). Everything that can be judged from the
whole fleet is judged here, so the role stops before it changes any host; what a module checks on its
host, it checks itself in the role's check-mode pass.
"""

import ipaddress

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import RULES, engine_at_least
from ansible_collections.fleetnet.docker.plugins.module_utils._fleet_plan import (
    Problems, ShareVariables, held_slice, item_label, pool_slice, share_numbers, whole_number)

VARIABLE = 'bridge_networks'
SHARE_VARIABLES = ShareVariables('bridge')
# gateway_mode_ipv4 (routed among its first values) came with Docker Engine 27.0 (moby#47708); an
# older engine ignores the option and NATs.
ROUTED_ENGINE = RULES['gateway_mode_ipv4']
# The bridge_networks options a role entry passes through unchanged.
PASSED_THROUGH = ('internal', 'attachable', 'labels', 'mtu', 'enable_icc', 'enable_ip_masquerade', 'bridge_name', 'enable_ipv6')
KNOWN = PASSED_THROUGH + ('name', 'subnet', 'gateway', 'subnet_pool', 'subnet_prefix_length', 'routed')


def fleet_plan(inputs, peers=None):
    """{'problems', 'message', 'hosts': {host: plan}, 'restart_batches': [[host, ...], ...]} for the play.

    ``peers`` are the hosts of bridge_hosts_group the run does not reach (--limit): host, networks, state,
    slice_index, slice_address_prefix and address, from the inventory. The play's hosts route to their
    routed subnets when the inventory numbers them (a pin or the address prefix).

    Each input has: host, networks (bridge_networks), state, slice_index, slice_address_prefix,
    hosts_in_group (the order of restarts), engine_version, address (bridge_host_address), prefixes
    ([{interface, prefix, kind}] the host uses), host_networks (networks_info's networks: the bridges and
    subnets the host already has), daemon (pools of the daemon defaults, see daemon_config, and
    ``current``: daemon_network's gathered config), manager (a swarm manager) and restart_batch.
    """
    problems = Problems()
    by_host = dict((given['host'], given) for given in inputs)
    shares = dict((host, share_input(given)) for host, given in by_host.items())
    peers = dict((peer['host'], peer) for peer in peers or [] if peer.get('host') not in by_host)
    for host, peer in sorted(peers.items()):
        if routed_pool_networks(peer):
            if peer.get('slice_index') in (None, '') and peer.get('slice_address_prefix') in (None, ''):
                problems.add(host, '', 'is in bridge_hosts_group but not in this run (--limit), and its routed subnet cannot be '
                             'known without reading it: set bridge_slice_address_prefix or its bridge_slice_index, or run it too')
            else:
                shares[host] = dict(needs_share=True, pinned=peer.get('slice_index'), prefix=peer.get('slice_address_prefix'),
                                    address=peer.get('address'), held={})
    numbers = share_numbers(shares, SHARE_VARIABLES, problems)
    plans = {}
    for host, given in sorted(by_host.items()):
        if shares[host]['needs_share'] and host not in numbers:
            continue
        number = numbers.get(host)
        plans[host] = dict(networks=[], subnets={}, routed={}, daemon=daemon_config(host, given, number, problems))
        for index, network in enumerate(given.get('networks') or []):
            add_network(plans[host], host, given, index, network, number, problems)
    overlap_problems(by_host, plans, problems)
    # The routes to the group's hosts this run does not reach, from what the inventory says of them.
    routing = dict(plans)
    addresses = dict(by_host)
    for host, peer in sorted(peers.items()):
        if host in numbers:
            routing[host] = dict(routed=peer_routed(host, peer, numbers[host], problems))
            addresses[host] = peer
    for host, plan in sorted(plans.items()):
        plan['routes'] = routes_to_others(host, addresses, routing, problems)
    return dict(problems=list(problems.lines), message=problems.message('bridge role'), hosts=plans,
                restart_batches=restart_batches(by_host))


def routed_pool_networks(given):
    return [network for network in pool_networks(given) if network.get('routed') and given.get('state') != 'deleted']


def peer_routed(host, peer, number, problems):
    """{network: subnet} of a host outside the run, for the routes to it."""
    routed = {}
    for network in routed_pool_networks(peer):
        found = []
        subnet = host_subnet(network, number, found)
        for reason in found:
            problems.add(host, 'bridge_networks (%s)' % network.get('name'), reason)
        if subnet:
            routed[network['name']] = subnet
    return routed


def pool_networks(given):
    return [network for network in given.get('networks') or [] if isinstance(network, dict) and network.get('subnet_pool')]


def needs_share(given):
    """Whether the host's plan hands out a slice of a fleet pool (deleting a network needs none)."""
    daemon = given.get('daemon') or {}
    return bool(daemon.get('address_pool') or daemon.get('bip_pool')
                or (given.get('state') != 'deleted' and pool_networks(given)))


def share_input(given):
    """What share_numbers needs of one host: its pin, its address and prefix, and the slices it holds."""
    held = {}
    for network in pool_networks(given):
        for subnet in held_subnets(given, network['name']):
            held_slice(held, 'network %s' % network['name'], network['subnet_pool'], network.get('subnet_prefix_length'), subnet)
    daemon = given.get('daemon') or {}
    current = daemon.get('current') or {}
    if daemon.get('address_pool'):
        for pool in current.get('default_address_pools') or []:
            held_slice(held, 'the daemon\'s default address pool', daemon['address_pool'],
                       daemon.get('address_pool_prefix_length'), (pool or {}).get('base'))
    if daemon.get('bip_pool') and current.get('bip'):
        try:
            bip_network = str(ipaddress.ip_interface(str(current['bip'])).network)
        except ValueError:
            bip_network = None
        held_slice(held, 'the daemon\'s bip', daemon['bip_pool'], daemon.get('bip_prefix_length'), bip_network)
    return dict(needs_share=needs_share(given), pinned=given.get('slice_index'), prefix=given.get('slice_address_prefix'),
                address=given.get('address'), held=held)


def held_subnets(given, name):
    """The subnets of the host's bridge network ``name`` as Docker has them (none when it has no such network)."""
    for network in given.get('host_networks') or []:
        if network.get('name') == name and network.get('driver') == 'bridge':
            return [entry.get('subnet') for entry in (network.get('ipam') or {}).get('subnets') or [] if entry.get('subnet')]
    return []


def add_network(plan, host, given, index, network, number, problems):
    """This host's bridge_networks item of the network, and its subnet, or the network's problems."""
    label = item_label(VARIABLE, index, network)
    if not isinstance(network, dict) or not network.get('name'):
        problems.add(host, label, 'needs a name')
        return
    found = ['unknown field %s' % key for key in sorted(set(network) - set(KNOWN))]
    routed = bool(network.get('routed'))
    if given.get('state') == 'deleted':
        # What the host holds is what goes (and the others' routes to it), whatever number it would get now.
        subnet = deleted_subnet(given, network, found)
    else:
        subnet = host_subnet(network, number, found)
    if routed:
        found.extend(routed_problems(network, given))
    for reason in found:
        problems.add(host, label, reason)
    if found:
        return
    item = dict(name=network['name'])
    if given.get('state') != 'deleted':
        entry = dict(subnet=subnet)
        if network.get('gateway') and network.get('subnet'):
            entry['gateway'] = network['gateway']
        item['subnets'] = [entry]
        item.update((key, network[key]) for key in PASSED_THROUGH if network.get(key) is not None)
        if routed:
            item['gateway_mode_ipv4'] = 'routed'
    plan['networks'].append(item)
    if subnet:
        plan['subnets'][network['name']] = subnet
        if routed:
            plan['routed'][network['name']] = subnet


def host_subnet(network, number, found):
    """The network's subnet on this host: its ``subnet``, or this host's slice of ``subnet_pool``."""
    if network.get('subnet') and network.get('subnet_pool'):
        found.append('give subnet (the same on every host) or subnet_pool (each host its own), not both')
        return None
    if network.get('subnet'):
        try:
            return str(_ipam.parse_subnet(network['subnet']))
        except ValueError as exc:
            found.append('subnet %s' % exc)
            return None
    if not network.get('subnet_pool'):
        found.append('needs subnet or subnet_pool')
        return None
    if network.get('gateway'):
        found.append('gateway is only for subnet: with subnet_pool each host\'s gateway is the first address of its subnet')
    return pool_slice(network['subnet_pool'], network.get('subnet_prefix_length'), number,
                      ('subnet_pool', 'subnet_prefix_length'), found)


def deleted_subnet(given, network, found):
    if network.get('subnet'):
        return host_subnet(network, None, found)
    held = [subnet for subnet in held_subnets(given, network['name']) if ':' not in subnet]
    return held[0] if held else None


def routed_problems(network, given):
    found = []
    if network.get('subnet'):
        found.append('routed needs subnet_pool: a route to the same subnet on every host leads nowhere')
    if not engine_at_least(given.get('engine_version'), ROUTED_ENGINE):
        found.append('routed (gateway_mode_ipv4 routed) needs Docker Engine %s or newer; this host runs %s'
                     % (ROUTED_ENGINE, given.get('engine_version') or 'an unknown version'))
    try:
        ipaddress.ip_address(str(given.get('address')))
    except ValueError:
        found.append('routed needs the host\'s address, which the other hosts route through: bridge_host_address '
                     '"%s" is not an IP address' % (given.get('address'),))
    if network.get('subnet_pool') and ':' in str(network.get('subnet_pool')):
        found.append('routed is for IPv4 subnets (gateway_mode_ipv4)')
    return found


def overlap_problems(by_host, plans, problems):
    """A host's subnet overlapping another host's, or an address or route of any host."""
    subnets = sorted((host, name, subnet) for host, plan in plans.items() for name, subnet in plan['subnets'].items())
    shared = set(name for host, name, subnet in subnets if fixed(by_host[host], name))
    # Docker's own allocations (the daemon's default address pools) must miss every listed subnet too;
    # the daemon checks them against its own host's networks.
    pools = sorted((host, 'default_address_pools', pool['base']) for host, plan in plans.items()
                   for pool in plan['daemon'].get('default_address_pools') or [])
    for host, name, pool in pools:
        for other, other_name, subnet in subnets + [entry for entry in pools if entry[0] > host]:
            if other != host or other_name != name:
                if _ipam.overlaps(pool, subnet):
                    problems.add(host, 'bridge_daemon_address_pool', 'this host\'s pool %s overlaps %s of %s on %s'
                                 % (pool, subnet, 'the default address pool' if other_name == name else 'network ' + other_name, other))
    for position, (host, name, subnet) in enumerate(subnets):
        for other, other_name, other_subnet in subnets[position + 1:]:
            if name == other_name and name in shared:
                continue  # the same network, the same subnet on every host
            if _ipam.overlaps(subnet, other_subnet):
                problems.add(host, 'bridge_networks (%s)' % name, 'subnet %s overlaps %s of network %s on %s'
                             % (subnet, other_subnet, other_name, other))
        # One line per prefix, naming every host that has it (the fleet's LAN is on all of them).
        owners = {}
        for owner, given in sorted(by_host.items()):
            ours = set(bridges_of(given).values())
            for prefix in given.get('prefixes') or []:
                if prefix.get('interface') in ours or not overlaps_text(subnet, prefix.get('prefix')):
                    continue
                key = (prefix.get('kind') or 'prefix', str(prefix.get('prefix')), str(prefix.get('interface')))
                if owner not in owners.setdefault(key, []):
                    owners[key].append(owner)
        for (kind, prefix, interface), hosts in sorted(owners.items()):
            problems.add(host, 'bridge_networks (%s)' % name, 'subnet %s overlaps %s %s of interface %s on %s'
                         % (subnet, kind, prefix, interface, ', '.join(hosts)))


def bridges_of(given):
    """{network name: its Linux bridge} of the listed networks the host has (networks_info's networks)."""
    listed = set(network.get('name') for network in given.get('networks') or [] if isinstance(network, dict))
    bridges = dict(given.get('bridges') or {})
    for network in given.get('host_networks') or []:
        if network.get('name') in listed and network.get('driver') == 'bridge':
            options = network.get('options') or {}
            bridges[network['name']] = options.get('com.docker.network.bridge.name') or 'br-%s' % str(network.get('id'))[:12]
    return bridges


def fixed(given, name):
    return any(network.get('name') == name and network.get('subnet') for network in given.get('networks') or []
               if isinstance(network, dict))


def overlaps_text(subnet, prefix):
    try:
        return ipaddress.ip_network(str(prefix), strict=False).overlaps(ipaddress.ip_network(subnet))
    except (TypeError, ValueError):
        return False


def routes_to_others(host, by_host, plans, problems):
    """host_routes items: each other host's routed subnets through that host's address."""
    routes = []
    for other, plan in sorted(plans.items()):
        if other == host:
            continue
        for name, subnet in sorted(plan['routed'].items()):
            via = str(by_host[other].get('address'))
            if via == str(by_host[host].get('address')):
                problems.add(host, 'bridge_host_address', 'is %s, the same as %s\'s: routed network %s needs each host\'s '
                             'own address' % (via, other, name))
                continue
            routes.append(dict(destination=subnet, via=via))
    return routes


def daemon_config(host, given, number, problems):
    """This host's daemon_network config: bridge_daemon_config with the host's slices of the fleet pools."""
    daemon = given.get('daemon') or {}
    config = dict(daemon.get('config') or {})
    found = []
    if daemon.get('address_pool'):
        base = pool_slice(daemon['address_pool'], daemon.get('address_pool_prefix_length'), number,
                          ('bridge_daemon_address_pool', 'bridge_daemon_address_pool_prefix_length'), found)
        size = whole_number(daemon.get('address_pool_size'))
        if base and (size is None or not ipaddress.ip_network(base).prefixlen <= size <= ipaddress.ip_network(base).max_prefixlen):
            found.append('bridge_daemon_address_pool_size %s does not fit in this host\'s pool %s'
                         % (daemon.get('address_pool_size'), base))
        elif base:
            config['default_address_pools'] = [dict(base=base, size=size)]
    if daemon.get('bip_pool'):
        subnet = pool_slice(daemon['bip_pool'], daemon.get('bip_prefix_length'), number,
                            ('bridge_daemon_bip_pool', 'bridge_daemon_bip_prefix_length'), found)
        if subnet:
            network = ipaddress.ip_network(subnet)
            config['bip'] = '%s/%d' % (network.network_address + 1, network.prefixlen)
    for reason in found:
        problems.add(host, '', reason)
    return config


def restart_batches(by_host):
    """The order of daemon restarts: each swarm manager alone (a quorum loses one at most), then batches."""
    managers = sorted(host for host, given in by_host.items() if given.get('manager'))
    others = [host for host in hosts_in_order(by_host) if host not in managers]
    size = max(1, whole_number(next(iter(by_host.values())).get('restart_batch')) or 1) if by_host else 1
    return [[host] for host in managers] + [others[start:start + size] for start in range(0, len(others), size)]


def hosts_in_order(by_host):
    """The play's hosts in the group's order, then the others by name."""
    group = []
    for given in by_host.values():
        group = list(given.get('hosts_in_group') or [])
        break
    return [host for host in group if host in by_host] + sorted(host for host in by_host if host not in group)
