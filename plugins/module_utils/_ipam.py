# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP address arithmetic for network modules: canonical forms, containment, overlap.

Private to this collection and free of Docker calls, so every rule here is unit-testable.
Docker keeps subnets and addresses as the user typed them; comparing canonical forms
(``10.1.0.0/24``, compressed IPv6) is what makes repeated runs report no change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress


def _text(value):
    # ipaddress wants text on Python 2 and 3 alike; module params can arrive as other types.
    return u'%s' % (value,)


# Each text is parsed once per run: a no-op at 100 networks parsed every subnet about nine times
# (validation, canonical forms, the gateway Docker picks, the comparison), a third of the time it
# spent in its own code (issue 16). ipaddress objects are immutable, so sharing them is safe.
_STRICT = {}
_LOOSE = {}


def parse_subnet(value):
    """ipaddress network for a CIDR string, or raise ValueError with a reason a user understands."""
    text = _text(value).strip()
    network = _STRICT.get(text)
    if network is None:
        network = _STRICT[text] = _parse_subnet(text)
    return network


def _parse_subnet(text):
    if '/' not in text:
        raise ValueError('"%s" is not in CIDR notation (address/prefix length)' % text)
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError('"%s" is not a valid CIDR: %s' % (text, exc))
        raise ValueError('"%s" has host bits set; the subnet is %s' % (text, loose))


def _loose_network(value):
    """ipaddress network of a CIDR whose host bits may be set (a route, a host's interface address)."""
    text = _text(value)
    # A subnet parsed strictly is the same network (it has no host bits).
    network = _STRICT.get(text) or _LOOSE.get(text)
    if network is None:
        network = _LOOSE[text] = ipaddress.ip_network(text, strict=False)
    return network


def parse_address(value):
    """ipaddress address for a plain address (a ``/prefix`` suffix, as Docker reports endpoints, is dropped)."""
    text = _text(value).strip().split('/', 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValueError('"%s" is not a valid IP address' % _text(value))


def canonical_subnet(value):
    """Canonical CIDR text; a value that does not parse is returned unchanged so validation can name it."""
    if value is None:
        return None
    try:
        return str(parse_subnet(value))
    except ValueError:
        return value


def canonical_address(value):
    if value is None or value == '':
        return None
    try:
        return str(parse_address(value))
    except ValueError:
        return value


def first_host(subnet):
    """The address Docker gives the gateway when none is set: the first one after the network address."""
    network = parse_subnet(subnet)
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network.network_address + 1)


def address_in(address, subnet):
    return parse_address(address) in parse_subnet(subnet)


def subnet_within(inner, outer):
    inner_net, outer_net = parse_subnet(inner), parse_subnet(outer)
    return inner_net.version == outer_net.version and inner_net.subnet_of(outer_net)


def overlaps(first, second):
    """True when two CIDRs share any address; networks of different IP versions never do."""
    first_net, second_net = _loose_network(first), _loose_network(second)
    return first_net.version == second_net.version and first_net.overlaps(second_net)


def address_range(cidr):
    """(IP version, first address, last address) of a CIDR, as integers: what overlap checks compare."""
    network = _loose_network(cidr)
    return network.version, int(network.network_address), int(network.broadcast_address)


def ranges_overlap(first, second):
    """``overlaps`` for two address_range results: comparing a batch pairwise parses each CIDR only once."""
    return first[0] == second[0] and first[1] <= second[2] and second[1] <= first[2]


def ip_version(subnet):
    return _loose_network(subnet).version


def subnet_problems(entry):
    """Problems of one ``subnets`` entry as (field, reason) pairs; empty when it is usable.

    ``field + ' ' + reason`` reads as a sentence, e.g. ``gateway 10.2.0.1 is outside subnet 10.1.0.0/24``.

    ``entry`` has the keys subnet, gateway, ip_range, aux_addresses (missing = not set).
    """
    problems = []
    try:
        network = parse_subnet(entry.get('subnet'))
    except ValueError as exc:
        return [('subnet', str(exc))]
    gateway = entry.get('gateway')
    if gateway:
        try:
            if parse_address(gateway) not in network:
                problems.append(('gateway', '%s is outside subnet %s' % (gateway, network)))
        except ValueError as exc:
            problems.append(('gateway', str(exc)))
    ip_range = entry.get('ip_range')
    if ip_range:
        try:
            range_net = parse_subnet(ip_range)
            if range_net.version != network.version or not range_net.subnet_of(network):
                problems.append(('ip_range', '%s is outside subnet %s' % (ip_range, network)))
        except ValueError as exc:
            problems.append(('ip_range', str(exc)))
    for name, address in sorted((entry.get('aux_addresses') or {}).items()):
        try:
            if parse_address(address) not in network:
                problems.append(('aux_addresses.%s' % name, '%s is outside subnet %s' % (address, network)))
        except ValueError as exc:
            problems.append(('aux_addresses.%s' % name, str(exc)))
    return problems


def fits_subnets(address, subnets):
    """True when ``address`` lies in one of ``subnets`` (CIDR strings)."""
    try:
        parsed = parse_address(address)
    except ValueError:
        return False
    for subnet in subnets:
        try:
            if parsed in parse_subnet(subnet):
                return True
        except ValueError:
            continue
    return False


def slice_count(pool, prefix_length):
    """How many ``/prefix_length`` slices ``pool`` holds (0 when a slice would be larger than the pool)."""
    network = parse_subnet(pool)
    if prefix_length < network.prefixlen or prefix_length > network.max_prefixlen:
        return 0
    return 2 ** (prefix_length - network.prefixlen)


def slice_of(pool, prefix_length, index):
    """The ``index``-th ``/prefix_length`` slice of ``pool``, counted from its first address.

    A fixed slice size is what keeps per-host ranges stable: slice 2 is the same range whether the
    fleet has 3 hosts or 30, so adding a host never moves another host's containers.
    """
    network = parse_subnet(pool)
    if prefix_length < network.prefixlen or prefix_length > network.max_prefixlen:
        raise ValueError('a /%d slice does not fit in %s: the slice prefix length must be %d to %d'
                         % (prefix_length, network, network.prefixlen, network.max_prefixlen))
    count = slice_count(pool, prefix_length)
    if index < 0 or index >= count:
        raise ValueError('%s is too small for slice index %d: it holds %d slice%s of /%d (indexes 0-%d)'
                         % (network, index, count, '' if count == 1 else 's', prefix_length, count - 1))
    first = network.network_address + index * 2 ** (network.max_prefixlen - prefix_length)
    return str(ipaddress.ip_network(u'%s/%d' % (first, prefix_length)))


def slice_number_of(pool, prefix_length, subnet):
    """Which ``/prefix_length`` slice of ``pool`` ``subnet`` is (the inverse of slice_of), or None when it is not one.

    A host's existing network tells the fleet plan which share the host already holds; a subnet of the
    wrong size, outside the pool or not on a slice boundary is no share of it.
    """
    try:
        network = parse_subnet(pool)
        candidate = parse_subnet(subnet)
    except ValueError:
        return None
    if candidate.version != network.version or candidate.prefixlen != prefix_length \
            or not subnet_within(str(candidate), str(network)):
        return None
    return (int(candidate.network_address) - int(network.network_address)) >> (network.max_prefixlen - prefix_length)


def offset_in(prefix, address):
    """``address``'s position in ``prefix`` (0 for its first address), or None when it is not in it."""
    try:
        network = parse_subnet(prefix)
        host = ipaddress.ip_address(_text(address).strip())
    except ValueError:
        return None
    if host.version != network.version or host not in network:
        return None
    return int(host) - int(network.network_address)


def address_at(subnet, position):
    """The address at ``position`` in ``subnet``; a negative position counts from the end (-1 is the last)."""
    network = parse_subnet(subnet)
    if position < -network.num_addresses or position >= network.num_addresses:
        raise ValueError('%s has no address at position %d: it holds %d addresses' % (network, position, network.num_addresses))
    if position < 0:
        position += network.num_addresses
    return str(network.network_address + position)


def slice_range(pool, slices, index):
    """The ``index``-th of ``slices`` equal sub-ranges of ``pool``.

    ``slices`` is rounded up to a power of two because CIDR ranges can only split in halves. The
    slice size depends on ``slices``; for ranges that must stay put as a fleet grows use slice_of.
    """
    network = parse_subnet(pool)
    if slices < 1 or index < 0 or index >= slices:
        raise ValueError('slice %d of %d does not exist' % (index, slices))
    extra_bits = (slices - 1).bit_length()
    if network.prefixlen + extra_bits > network.max_prefixlen:
        raise ValueError('%s is too small to split into %d ranges' % (network, slices))
    return slice_of(pool, network.prefixlen + extra_bits, index)
