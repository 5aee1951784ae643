# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every fleet-level role plan needs: per-host slice numbers and problems collected over the fleet.

A role that gives each host its own share of a fleet-wide pool (the macvlan role's ip_range slices, the
bridge role's per-host subnets) numbers the hosts the same way: a host's pinned number (a host variable
such as ``macvlan_slice_index``), else its position in an ordered inventory group. The plan checks every
host's input at once, so one failure names every problem on every host before any host changes.
"""


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
