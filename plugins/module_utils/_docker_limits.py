# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Docker and the Linux kernel refuse, checked before the first change of a run.

Private to this collection. Each of these would otherwise surface half-way through applying a
batch, as Docker's "creating network ... failed" or a container that cannot join, after the good
items of the same run were already applied. Pure functions over config-format dicts: every one
returns (field, reason) pairs, ``field + ' ' + reason`` reading as a sentence.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam

# IFNAMSIZ is 16 with the terminating NUL: Linux refuses longer link names.
MAX_INTERFACE_NAME = 15
# The smallest MTU IPv4 allows (RFC 791) and IPv6 needs (RFC 8200); a link's MTU is 16 bits here.
MIN_MTU_IPV4 = 68
MIN_MTU_IPV6 = 1280
MAX_MTU = 65535
MIN_VLAN_ID = 1
MAX_VLAN_ID = 4094


def mtu_problems(mtu, ipv6=False):
    if mtu is None or not isinstance(mtu, int) or isinstance(mtu, bool):
        return []
    if mtu < MIN_MTU_IPV4 or mtu > MAX_MTU:
        return [('mtu', '%d is outside %d-%d: Docker would create the network, but no container could join it'
                 % (mtu, MIN_MTU_IPV4, MAX_MTU))]
    if ipv6 and mtu < MIN_MTU_IPV6:
        return [('mtu', '%d is below %d, the smallest MTU IPv6 allows, and the network has IPv6' % (mtu, MIN_MTU_IPV6))]
    return []


def interface_name_problems(field, name, host_links=None, allowed_kind='bridge'):
    """A link name Docker is to create: the kernel's length limit; an existing link must be of ``allowed_kind``.

    ``host_links`` maps the host's link names to their kind (``'bridge'``, ``'veth'``, ``None`` for
    a plain device), or is None when the host was not read.
    """
    if not name:
        return []
    if len(name) > MAX_INTERFACE_NAME:
        return [(field, '"%s" is %d characters long; Linux allows link names of at most %d characters'
                 % (name, len(name), MAX_INTERFACE_NAME))]
    if host_links and name in host_links and host_links[name] != allowed_kind:
        return [(field, '"%s" names an existing link of this host that is not a %s (it is a %s link)'
                 % (name, allowed_kind, host_links[name] or 'plain'))]
    return []


def vlan_problems(field, parent):
    """A ``parent`` of the form ``eth0.VLAN`` (Docker makes the VLAN link): the 802.1Q id range."""
    if not parent:
        return []
    _base, dot, vlan = parent.rpartition('.')
    if not dot or not vlan.isdigit():
        return []
    vlan_id = int(vlan)
    if vlan_id < MIN_VLAN_ID or vlan_id > MAX_VLAN_ID:
        return [(field, '%s has VLAN id %d; 802.1Q VLAN ids are %d-%d' % (parent, vlan_id, MIN_VLAN_ID, MAX_VLAN_ID))]
    if len(parent) > MAX_INTERFACE_NAME:
        return [(field, '"%s" is %d characters long; Linux allows link names of at most %d characters'
                 % (parent, len(parent), MAX_INTERFACE_NAME))]
    return []


def _reserved_addresses(entry):
    """{address: what holds it} for one subnets entry: the gateway (given, or the one Docker picks),
    the aux addresses, and for IPv4 the network and broadcast addresses."""
    reserved = {}
    try:
        network = _ipam.parse_subnet(entry.get('subnet'))
    except ValueError:
        return reserved
    if network.version == 4 and network.num_addresses > 2:
        reserved[str(network.network_address)] = 'the network address of subnet %s' % network
        reserved[str(network.broadcast_address)] = 'the broadcast address of subnet %s' % network
    for name, address in sorted((entry.get('aux_addresses') or {}).items()):
        canonical = _ipam.canonical_address(address)
        if canonical:
            reserved.setdefault(canonical, 'aux_addresses.%s' % name)
    gateway = _ipam.canonical_address(entry.get('gateway'))
    if gateway:
        reserved[gateway] = 'the gateway of subnet %s' % network
    else:
        try:
            reserved[_ipam.first_host(str(network))] = 'the gateway Docker gives subnet %s (none is set)' % network
        except ValueError:
            pass
    return reserved


def subnet_entry_problems(entry):
    """An aux address on the gateway: Docker refuses to reserve one address twice."""
    gateway = _ipam.canonical_address(entry.get('gateway'))
    problems = []
    for name, address in sorted((entry.get('aux_addresses') or {}).items()):
        if gateway and _ipam.canonical_address(address) == gateway:
            problems.append(('aux_addresses.%s' % name, '%s is the gateway of subnet %s' % (address, entry.get('subnet'))))
    return problems


def container_address_problems(subnets, containers):
    """Static container addresses Docker will refuse on connect: taken by the network itself, or twice."""
    reserved = {}
    for entry in subnets or []:
        reserved.update(_reserved_addresses(entry))
    problems = []
    owners = {}
    for index, container in enumerate(containers or []):
        for family in ('ipv4_address', 'ipv6_address'):
            address = _ipam.canonical_address(container.get(family))
            if not address:
                continue
            field = 'containers[%d].%s' % (index, family)
            try:
                version = _ipam.parse_address(address).version
            except ValueError:
                continue  # reported by the address check itself
            if version != (4 if family == 'ipv4_address' else 6):
                problems.append((field, '%s is not an IPv%d address' % (address, 4 if family == 'ipv4_address' else 6)))
                continue
            if address in reserved:
                problems.append((field, '%s is %s' % (address, reserved[address])))
            elif address in owners:
                problems.append((field, '%s is also the static address of container "%s"' % (address, owners[address])))
            else:
                owners[address] = container['name']
    return problems


def link_kinds_from_json(links):
    """{link name: kind} from parsed ``ip -j -d link show`` output (kind None for a plain device)."""
    return dict((link['ifname'], (link.get('linkinfo') or {}).get('info_kind'))
                for link in links or [] if link.get('ifname'))


def bridge_name_problems(desired_configs, read_link_kinds):
    """(network, field, reason) for bridge_name values naming a host link that is not a bridge.

    The host is read (``read_link_kinds()``) only when some network sets a bridge_name.
    """
    named = [config for config in desired_configs if config.get('bridge_name')]
    if not named:
        return []
    kinds = read_link_kinds()
    problems = []
    for config in named:
        for field, reason in interface_name_problems('bridge_name', config['bridge_name'], kinds):
            if 'not a bridge' in reason:
                problems.append((config['name'], field, reason))
    return problems


# A VXLAN network identifier is 24 bits; 0 is not a VNI.
MAX_VXLAN_ID = 16777215


def vxlan_problems(vxlan_ids, subnets):
    """Overlay VXLAN ids: Docker takes one per subnet, in order, each a 24-bit VNI."""
    if not vxlan_ids or not isinstance(vxlan_ids, list):
        return []
    problems = []
    for vxlan_id in vxlan_ids:
        if isinstance(vxlan_id, int) and not 1 <= vxlan_id <= MAX_VXLAN_ID:
            problems.append(('vxlan_ids', '%d is outside 1-%d, the range of a VXLAN id' % (vxlan_id, MAX_VXLAN_ID)))
    if subnets is not None and len(vxlan_ids) != len(subnets):
        problems.append(('vxlan_ids', 'has %d ids for %d subnets; Docker takes exactly one per subnet, in order'
                         % (len(vxlan_ids), len(subnets))))
    return problems
