# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every fleet-level role plan needs: per-host slice numbers and problems collected over the fleet.

A role that gives each host its own share of a fleet-wide pool (the macvlan role's ip_range slices, the
bridge role's per-host subnets and daemon pools) numbers the hosts the same way (share_numbers): from
something that belongs to the host alone (a pinned number, its address in a declared prefix) or from
the share it already holds, never from its place in the inventory. The plan checks every host's input
at once, so one failure names every problem on every host before any host changes.
"""

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam


class Problems:
    """Every problem of the fleet's input, each line naming the host and the role variable."""

    def __init__(self):
        self.lines = []

    def add(self, host, where, reason):
        self.lines.append('%s: %s%s' % (host, where + ': ' if where else '', reason))

    def __bool__(self):
        return bool(self.lines)

    def message(self, role):
        """One message for all of them, or '' when there are none."""
        if not self.lines:
            return ''
        if len(self.lines) == 1:
            return '%s: %s; nothing was changed on any host' % (role, self.lines[0])
        return '%s: %d problems, nothing was changed on any host: %s' % (role, len(self.lines), '; '.join(self.lines))


def item_label(variable, index, item):
    """How a problem names a list item: ``macvlan_networks[0] (lan)``."""
    name = item.get('name') if isinstance(item, dict) else None
    return '%s[%d] (%s)' % (variable, index, name or 'no name')


def whole_number(value):
    """``value`` as an int from 0 when it is one (inventory values often arrive as text), else None."""
    if isinstance(value, bool):
        return None  # a bool is an int to Python, but never meant as a number
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


class ShareVariables:
    """The role variables that give a host its share number, named in every problem: e.g. bridge_slice_index."""

    def __init__(self, role):
        self.pin = '%s_slice_index' % role
        self.prefix = '%s_slice_address_prefix' % role
        self.address = '%s_host_address' % role


def share_numbers(hosts, variables, problems):
    """{host: share number} for the hosts that need one, with every numbering problem added to ``problems``.

    ``hosts`` maps each host to a dict with ``needs_share`` (its plan hands out a slice of a fleet pool),
    ``pinned`` (its ``*_slice_index`` or None), ``prefix`` (``*_slice_address_prefix``), ``address`` and
    ``held`` ({what: number}: the slices of the pools the host already has, read from the host).

    Where a number comes from, first match wins (docs/fleet_plans.md):
    1. a pinned number: the user's word, also to move a share;
    2. the host's address in the declared prefix: its offset is the number, unique by construction, so
       runs that see only part of the fleet (--limit, AWX/AAP job slicing) cannot hand out one twice; a
       held share must be that number, or the host pins the one it holds;
    3. without either, the share the host holds is kept;
    4. otherwise the host has no number: a refusal. Group order never numbers a share, because a sliced
       run numbers each slice from 0 and a removed or reordered host renumbers the rest.
    """
    numbers = {}
    for host, given in sorted(hosts.items()):
        if given.get('needs_share'):
            number = own_number(host, given, variables, problems)
            if number is not None:
                numbers[host] = number
    for host, number in sorted(numbers.items()):
        sharers = sorted(other for other, theirs in numbers.items() if theirs == number and other != host)
        if sharers:
            problems.add(host, '', 'slice number %d is also the one of %s, so their slices would collide: give each host '
                         'its own %s' % (number, ', '.join(sharers), variables.pin))
    return numbers


def own_number(host, given, variables, problems):
    held = given.get('held') or {}
    held_numbers = sorted(set(held.values()))
    if given.get('pinned') not in (None, ''):
        number = whole_number(given['pinned'])
        if number is None:
            problems.add(host, variables.pin, 'must be a whole number from 0, not "%s"' % (given['pinned'],))
        return number
    if len(held_numbers) > 1:
        problems.add(host, '', 'holds slices of different numbers (%s): set %s on this host to the number to keep'
                     % (held_text(held), variables.pin))
        return None
    if given.get('prefix') not in (None, ''):
        return address_number(host, given, held, variables, problems)
    if held_numbers:
        return held_numbers[0]
    problems.add(host, '', 'holds no slice yet and has no way to a number of its own: set %s (the prefix that holds every '
                 'host\'s %s) or %s on this host. Group order does not number slices: a sliced or limited run, or a '
                 'reordered inventory, would give this host a slice another host holds' % (variables.prefix, variables.address, variables.pin))
    return None


def address_number(host, given, held, variables, problems):
    """The host's offset in the declared prefix, when every slice it holds has that number."""
    try:
        prefix = str(_ipam.parse_subnet(given['prefix']))
    except ValueError as exc:
        problems.add(host, variables.prefix, str(exc))
        return None
    number = _ipam.offset_in(prefix, given.get('address'))
    if number is None:
        problems.add(host, variables.address, 'is "%s", not an address in %s %s, so it gives this host no slice number: '
                     'widen the prefix or set %s on this host' % (given.get('address'), variables.prefix, prefix, variables.pin))
        return None
    moved = dict((what, theirs) for what, theirs in held.items() if theirs != number)
    if moved:
        kept = sorted(set(moved.values()))[0]
        problems.add(host, '', 'holds %s, but its address %s is number %d in %s, so the slice would move (and its '
                     'network be recreated): set %s: %d on this host to keep it'
                     % (held_text(moved), given.get('address'), number, prefix, variables.pin, kept))
        return None
    return number


def held_text(held):
    return ', '.join('%s (slice %d)' % (what, number) for what, number in sorted(held.items()))


def held_slice(held, what, pool, prefix_length, subnet):
    """Record in ``held`` which slice of ``pool`` the host's ``subnet`` is, when it is one."""
    length = whole_number(prefix_length)
    number = _ipam.slice_number_of(pool, length, subnet) if subnet and length is not None else None
    if number is not None:
        held['%s %s' % (what, subnet)] = number


def pool_slice(pool, prefix_length, number, names, found):
    """The ``number``-th slice (CIDR text) of ``pool``, or None with the reasons added to ``found``.

    ``names`` are the (pool, prefix length) variables' names as the user wrote them, for the reasons.
    The slice size is fixed, not the pool divided by the hosts: slice 2 stays the same range however many
    hosts the fleet has, so adding a host moves no other host's addresses.
    """
    pool_name, length_name = names
    try:
        network = _ipam.parse_subnet(pool)
    except ValueError as exc:
        found.append('%s %s' % (pool_name, exc))
        return None
    length = whole_number(prefix_length)
    if length is None or not network.prefixlen <= length <= network.max_prefixlen:
        found.append('%s %s does not fit in %s %s: it must be from %d to %d'
                     % (length_name, prefix_length, pool_name, network, network.prefixlen, network.max_prefixlen))
        return None
    count = _ipam.slice_count(str(network), length)
    if number >= count:
        found.append('%s %s holds %d slices of /%d, too few for this host\'s slice number %d: widen the pool or '
                     'lengthen %s' % (pool_name, network, count, length, number, length_name))
        return None
    return _ipam.slice_of(str(network), length, number)
