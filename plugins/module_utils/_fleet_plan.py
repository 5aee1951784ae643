# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every fleet-level role plan needs: per-host slice numbers and problems collected over the fleet.

A role that gives each host its own share of a fleet-wide pool (the macvlan role's ip_range slices, the
bridge role's per-host subnets) numbers the hosts the same way: a host's pinned number (a host variable
such as ``macvlan_slice_index``), else its position in an ordered inventory group. The plan checks every
host's input at once, so one failure names every problem on every host before any host changes.
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


def slice_numbers(hosts, problems):
    """{host: slice number} for the hosts of the play, with every numbering problem added to ``problems``.

    ``hosts`` maps each host to a dict with ``pinned`` (its pinned number or None), ``pin_variable`` (the
    name of that host variable), ``group`` (the name of the ordered group) and ``group_hosts`` (its hosts).
    Two hosts with one number would hand out the same addresses, so that is a problem on both.
    """
    numbers = {}
    for host, given in sorted(hosts.items()):
        # An unset host variable arrives as None (or, templated on some cores, as an empty string).
        if given.get('pinned') not in (None, ''):
            number = whole_number(given['pinned'])
            if number is None:
                problems.add(host, given['pin_variable'], 'must be a whole number from 0, not "%s"' % (given['pinned'],))
                continue
        elif host in (given.get('group_hosts') or []):
            number = list(given['group_hosts']).index(host)
        else:
            problems.add(host, given['pin_variable'], 'is not set, and the host is not in the group %s ("%s"), whose order '
                         'numbers the slices: set it, or add the host to the group' % (given['group_variable'], given['group']))
            continue
        numbers[host] = number
    for host, number in sorted(numbers.items()):
        sharers = sorted(other for other, theirs in numbers.items() if theirs == number and other != host)
        if sharers:
            problems.add(host, '', 'slice number %d is also the one of %s, so their slices would collide: give each host '
                         'its own %s' % (number, ', '.join(sharers), hosts[host]['pin_variable']))
    return numbers


def host_numbers(by_host, pin_variable, group_variable, problems):
    """slice_numbers for role inputs that carry slice_index, hosts_group and hosts_in_group per host."""
    return slice_numbers(dict((host, dict(pinned=given.get('slice_index'), pin_variable=pin_variable, group_variable=group_variable,
                                          group=given.get('hosts_group'), group_hosts=given.get('hosts_in_group')))
                              for host, given in by_host.items()), problems)


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
