# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interface names inside a running container: which network's interface holds a name.

Private to this collection. From Docker 28 a reconnected interface gets the lowest free ethN. When a
recreate is cut off and the daemon restarts the container meanwhile, it comes back without the
recreated network and Docker numbers its other networks' interfaces from eth0 again: the journal's
recovery moves the network holding the old name out of the way and back (docs/safety.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import INTERFACE_OPTION


def holder_of(wanted, container, network_name, names_by_mac):
    """Who holds the interface name ``wanted`` in ``container`` (an inspect result), for ``network_name``.

    ``names_by_mac`` is {MAC address: interface name} as the host shows it inside the container
    (attachments.interface_names). Returns ``(free, holder)``: ``free`` True when the name can be asked
    for as it is; ``holder`` the name of the other Docker network whose interface has it (it must be
    disconnected first and connected again afterwards), or None. ``(False, None)``: something that
    is not a Docker network's interface, or one the user named, has the name: it stays where it is.
    """
    if not wanted:
        return True, None
    macs_by_name = dict((name, mac.lower()) for mac, name in names_by_mac.items())
    holding_mac = macs_by_name.get(wanted)
    if holding_mac is None:
        return True, None
    networks = (container.get('NetworkSettings') or {}).get('Networks') or {}
    for other, settings in sorted(networks.items()):
        if other != network_name and (settings.get('MacAddress') or '').lower() == holding_mac:
            if (settings.get('DriverOpts') or {}).get(INTERFACE_OPTION):
                return False, None  # the user named that interface: it keeps its name
            return True, other
    return False, None


def lower_name_free(wanted, names_in_use):
    """Whether an ethN below ``wanted`` is free among ``names_in_use``: Docker 28 would give it to the
    next interface connected, so another network's interface has to take it first."""
    if not (wanted or '').startswith('eth') or not wanted[3:].isdigit():
        return False
    return any('eth%d' % number not in names_in_use for number in range(int(wanted[3:])))


def subnets_of(network):
    """A network inspect result's IPAM config in the form attachments.connect_arguments takes."""
    return [dict(subnet=entry.get('Subnet'), gateway=entry.get('Gateway'),
                 aux_addresses=entry.get('AuxiliaryAddresses') or {})
            for entry in ((network or {}).get('IPAM') or {}).get('Config') or [] if entry.get('Subnet')]
