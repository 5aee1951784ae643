# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan driver: containers as devices on the physical LAN, each with a MAC address of its own.

Private to this collection. What it shares with ipvlan (parent interface, config-only networks,
swarm workers) is in parent.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.parent import ParentDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import DriverOption

MACVLAN_MODES = ('bridge', 'vepa', 'private', 'passthru')


class MacvlanDriver(ParentDriver):
    driver = 'macvlan'
    options = dict(
        parent=DriverOption('parent'),
        mode=DriverOption('macvlan_mode', default='bridge', choices=MACVLAN_MODES),
    )
    mode_key = 'macvlan_mode'
    inherited_defaults = dict(parent=None, mode='bridge')

    def shared_parent_problem(self, parent, other, mode, other_mode):
        """From Engine 27.0 (moby#47318) macvlan networks share a parent, unless one is in passthru mode
        ("cannot use mode passthru, macvlan network ... is already using parent interface eth0"); before
        it, one per parent. Without a client (no preflight) the older rule holds."""
        if self.client is not None and self.client.engine_at_least('27.0'):
            if 'passthru' not in (mode, other_mode):
                return None
            return ('%s is already used by %s; a macvlan network in passthru mode needs its parent interface to '
                    'itself: use another interface or a VLAN sub-interface (%s.<id>)' % (parent, other, parent))
        engine = ''
        if self.client is not None:
            engine = ' (%s)' % self.client.engine_problem('another macvlan network on the same parent', '27.0')
        return ('%s is already used by %s; Docker Engine before 27.0 allows one macvlan network per parent '
                'interface, whatever its mode%s: use a VLAN sub-interface (%s.<id>) for another one'
                % (parent, other, engine, parent))
