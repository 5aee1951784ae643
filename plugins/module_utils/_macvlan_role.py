# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of the macvlan role: each host's networks, slices and links, and every input problem of the fleet.

Called through the filter ``fleetnet.docker.macvlan_role_plan`` once for the whole play. Each host brings
its own input (its ``macvlan_networks`` may differ, and so may its groups and slice number); the result
has the per-host config of parent_interfaces, macvlan_networks and ipvlan_networks in their own formats,
and every problem of every host, so that the role stops before the first change on any host.
The rules here are the role's own (slices, shims, the swarm pattern); what the modules check, they
check themselves, in the role's check-mode pass over every host.
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._fleet_plan import (
    Problems, ShareVariables, held_slice, item_label, share_numbers, whole_number)
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.ipvlan import IPVLAN_FLAGS, IPVLAN_MODES
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.macvlan import MACVLAN_MODES
from ansible_collections.fleetnet.docker.plugins.module_utils._parent_interfaces_checks import IFNAME, IFNAME_RULE

MODES = {'macvlan': MACVLAN_MODES, 'ipvlan': IPVLAN_MODES}
VARIABLE = 'macvlan_networks'
SHARE_VARIABLES = ShareVariables('macvlan')
# The shim takes the last address of the host's slice; a slice needs room for containers besides it.
SMALLEST_SHIM_SLICE = {4: 30, 6: 126}


def fleet_plan(inputs):
    """{'problems': [...], 'message': '...', 'hosts': {host: plan}} for the per-host inputs of the play.

    Each input has: host, networks (macvlan_networks), state, allow_empty_overridden, slice_index,
    slice_address_prefix, address (macvlan_host_address), host_networks (networks_info's networks: the
    slices the host already holds), managers_group and managers.
    """
    problems = Problems()
    by_host = dict((given['host'], given) for given in inputs)
    shares = dict((host, share_input(given)) for host, given in by_host.items())
    numbers = share_numbers(shares, SHARE_VARIABLES, problems)
    plans = {}
    for host, given in sorted(by_host.items()):
        networks = given.get('networks') or []
        if not networks and given.get('state') == 'overridden' and not boolean(given.get('allow_empty_overridden'), strict=False):
            problems.add(host, VARIABLE, 'is empty and macvlan_networks_state is overridden, which would remove every macvlan '
                         'and ipvlan network of the host: set macvlan_allow_empty_overridden: true if that is what you mean')
        if host in numbers or not shares[host]['needs_share']:
            plans[host] = host_plan(host, networks, numbers.get(host), given, problems)
    return dict(problems=list(problems.lines), message=problems.message('macvlan role'), hosts=plans)


def share_input(given):
    """What share_numbers needs of one host: its pin, its address and prefix, and the ip_range slices it holds."""
    networks = [network for network in given.get('networks') or [] if isinstance(network, dict) and network.get('name')]
    held = {}
    for network in networks:
        # A swarm item's slice is in its config-only network; one that was local before keeps it in its own name.
        for name in (local_name(network), network['name']):
            ranges = held_ranges(given.get('host_networks') or [], name)
            for ip_range in ranges:
                held_slice(held, 'network %s' % name, network.get('ip_range_pool'), network.get('slice_prefix_length'), ip_range)
            if ranges:
                break
    return dict(needs_share=bool(networks) and given.get('state') != 'deleted', pinned=given.get('slice_index'), prefix=given.get('slice_address_prefix'),
                address=given.get('address'), held=held)


def local_name(network):
    """The host's own network of the item: the config-only one of a swarm network, else the network."""
    if network.get('swarm'):
        return network.get('config_name') or '%s-config' % network['name']
    return network['name']


def held_ranges(host_networks, name):
    """The ip_ranges of the host's network ``name``. Engine 29 shows a config-only network's IPAM as null
    (moby's buildIPAMResources lists allocated pools only), so a network made from it speaks for it."""
    by_name = dict((network.get('name'), network) for network in host_networks)
    sources = [by_name[name]] if name in by_name else []
    sources += [network for network in host_networks if network.get('config_from') == name]
    for network in sources:
        ranges = [entry.get('ip_range') for entry in (network.get('ipam') or {}).get('subnets') or [] if entry.get('ip_range')]
        if ranges:
            return ranges
    return []


def network_problems(network, driver, managers, managers_group):
    """Problems of one network that do not depend on the host's slice."""
    found = []
    mode = network.get('mode')
    if driver not in MODES:
        found.append('driver %s is not macvlan or ipvlan' % driver)
    elif mode is not None and mode not in MODES[driver]:
        found.append('mode %s is not one of the %s modes (%s)' % (mode, driver, ', '.join(MODES[driver])))
    if network.get('flag') is not None and driver != 'ipvlan':
        found.append('flag is only for ipvlan networks')
    elif network.get('flag') is not None and network['flag'] not in IPVLAN_FLAGS:
        found.append('flag %s is not one of the ipvlan flags (%s)' % (network['flag'], ', '.join(IPVLAN_FLAGS)))
    if network.get('shim') and driver != 'macvlan':
        found.append('shim is only for macvlan networks')
    if network.get('shim') and not IFNAME.match(shim_name(network)):
        found.append('the shim name "%s" %s (a Linux limit); set shim_name' % (shim_name(network), IFNAME_RULE))
    if network.get('attachable') is not None and not network.get('swarm'):
        found.append('attachable is only for swarm networks (swarm: true)')
    if network.get('swarm') and not managers:
        found.append('swarm needs managers, but the group macvlan_managers_group ("%s") is empty' % managers_group)
    return found


def host_slice(network, number, found):
    """This host's ip_range slice of the network's pool, or None with the reasons added to ``found``."""
    parsed = {}
    for field in ('subnet', 'ip_range_pool'):
        try:
            parsed[field] = _ipam.parse_subnet(network.get(field))
        except ValueError as exc:
            found.append('%s %s' % (field, exc))
    if len(parsed) < 2:
        return None
    subnet, pool = parsed['subnet'], parsed['ip_range_pool']
    if not _ipam.subnet_within(str(pool), str(subnet)):
        found.append('ip_range_pool %s is outside subnet %s' % (pool, subnet))
        return None
    prefix_length = whole_number(network.get('slice_prefix_length'))
    if prefix_length is None or not pool.prefixlen <= prefix_length <= pool.max_prefixlen:
        found.append('slice_prefix_length %s does not fit in ip_range_pool %s: it must be from %d to %d'
                     % (network.get('slice_prefix_length'), pool, pool.prefixlen, pool.max_prefixlen))
        return None
    count = _ipam.slice_count(str(pool), prefix_length)
    if number >= count:
        found.append('ip_range_pool %s holds %d slices of /%d, too few for this host\'s slice number %d: widen the pool or '
                     'lengthen slice_prefix_length' % (pool, count, prefix_length, number))
        return None
    if network.get('shim') and prefix_length > SMALLEST_SHIM_SLICE[pool.version]:
        found.append('a /%d slice is too small for a shim, which takes one of its addresses' % prefix_length)
        return None
    return _ipam.slice_of(str(pool), prefix_length, number)


def shim_name(network):
    return network.get('shim_name') or '%s-shim' % network.get('name')


def given(**fields):
    """Fields not given are left out, not sent as null: the modules read null as a value to check."""
    return dict((key, value) for key, value in fields.items() if value is not None)


def host_plan(host, networks, number, inputs, problems):
    """This host's share: macvlan / ipvlan (its own networks and the config-only ones of swarm networks),
    swarm_macvlan / swarm_ipvlan (declared on the managers), links (parent_interfaces items), slices."""
    plan = dict(macvlan=[], ipvlan=[], swarm_macvlan=[], swarm_ipvlan=[], links=[], slices={})
    for index, network in enumerate(networks):
        driver = network.get('driver') or 'macvlan'
        found = network_problems(network, driver, inputs.get('managers'), inputs.get('managers_group'))
        # Deleting needs only the names: a host that holds no slice and has no number can still delete.
        ip_range = host_slice(network, number, found) if number is not None else None
        for reason in found:
            problems.add(host, item_label(VARIABLE, index, network), reason)
        if found:
            continue
        plan['slices'][network['name']] = ip_range
        add_network(plan, network, driver, ip_range)
    return plan


def add_network(plan, network, driver, ip_range):
    on_vlan = network.get('vlan_id') is not None
    parent = '%s.%s' % (network['parent'], network['vlan_id']) if on_vlan else network['parent']
    aux_addresses = dict(network.get('aux_addresses') or {})
    links = []
    if on_vlan:
        links.append(dict(type='vlan', parent=network['parent'], vlan_id=network['vlan_id']))
    if network.get('promiscuous'):
        links.append(dict(type='promiscuous', name=network['parent']))
    if network.get('shim') and ip_range:
        # The last address of the host's own slice: nobody else on the LAN uses it, and Docker is told to keep it free.
        address = _ipam.address_at(ip_range, -1)
        aux_addresses['host-shim'] = address
        links.append(dict(type='shim', name=shim_name(network), parent=parent, routes=[ip_range],
                          address='%s/%d' % (address, 128 if ':' in address else 32)))
    plan['links'].extend(link for link in links if link not in plan['links'])
    subnets = [given(subnet=network['subnet'], gateway=network.get('gateway'), ip_range=ip_range,
                     aux_addresses=aux_addresses)]
    settings = given(parent=parent, mode=network.get('mode'), subnets=subnets, labels=network.get('labels'),
                     flag=network.get('flag') if driver == 'ipvlan' else None)
    if network.get('swarm'):
        config_name = network.get('config_name') or '%s-config' % network['name']
        plan[driver].append(dict(settings, name=config_name, config_only=True))
        plan['swarm_' + driver].append(given(name=network['name'], config_from=config_name, scope='swarm',
                                             attachable=network.get('attachable'), internal=network.get('internal')))
    else:
        plan[driver].append(dict(settings, **given(name=network['name'], internal=network.get('internal'))))
