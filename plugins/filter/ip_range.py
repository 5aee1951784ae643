# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn fleet-level address intent into per-host values (documented in the .yml files next to this one).

``ip_range_slice``: a host's own ``ip_range`` slice of a range shared by the fleet.
``ip_range_address``: one address of a range, e.g. the last one of a host's slice for its macvlan shim.
The arithmetic lives in module_utils/_ipam.py, which the modules use too.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.module_utils._ipam import address_at, slice_of


def _whole_number(filter_name, label, value):
    # Inventory values often arrive as strings ("27"); booleans are ints to Python but never meant as one.
    if isinstance(value, bool):
        raise AnsibleFilterError('%s: %s must be a whole number, not %s' % (filter_name, label, value))
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise AnsibleFilterError('%s: %s must be a whole number, not "%s"' % (filter_name, label, value))


def ip_range_slice(pool, prefix_length, index=None, host=None, hosts=None):
    """The ``/prefix_length`` slice number ``index`` of ``pool``; without ``index``, the one of ``host``'s position in ``hosts``."""
    prefix_length = _whole_number('ip_range_slice', 'prefix_length', prefix_length)
    where = ''
    if index is None:
        if host is None or hosts is None:
            raise AnsibleFilterError('ip_range_slice: give index (the slice number), or host and hosts (the slice number is '
                                     'the position of host in hosts)')
        hosts = list(hosts)
        if host not in hosts:
            raise AnsibleFilterError('ip_range_slice: host "%s" is not in hosts (%s), so it has no slice; give it an index'
                                     % (host, ', '.join(str(name) for name in hosts)))
        index = hosts.index(host)
        where = 'host "%s" is at position %d of hosts: ' % (host, index)
    else:
        index = _whole_number('ip_range_slice', 'index', index)
    try:
        return slice_of(pool, prefix_length, index)
    except ValueError as exc:
        raise AnsibleFilterError('ip_range_slice: %s%s' % (where, exc))


def ip_range_address(subnet, position):
    """The address at ``position`` of ``subnet`` (negative: from the end)."""
    position = _whole_number('ip_range_address', 'position', position)
    try:
        return address_at(subnet, position)
    except ValueError as exc:
        raise AnsibleFilterError('ip_range_address: %s' % exc)


class FilterModule:
    def filters(self):
        return dict(ip_range_slice=ip_range_slice, ip_range_address=ip_range_address)
