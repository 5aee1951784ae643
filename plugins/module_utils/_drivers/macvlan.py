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
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import RULES

MACVLAN_MODES = ('bridge', 'vepa', 'private', 'passthru')
# The release from which macvlan networks share a parent interface.
SHARED_PARENT = RULES['macvlan networks on one parent']


class MacvlanDriver(ParentDriver):
    driver = 'macvlan'
    options = dict(
        parent=DriverOption('parent'),
        mode=DriverOption('macvlan_mode', default='bridge', choices=MACVLAN_MODES),
    )
    mode_key = 'macvlan_mode'
    inherited_defaults = dict(parent=None, mode='bridge')

    def shared_parent_problem(self, parent, other, mode, other_mode):
        """From Engine 27.0 (SHARED_PARENT, moby#47318) macvlan networks share a parent, unless one is in passthru mode
        ("cannot use mode passthru, macvlan network ... is already using parent interface eth0"); before
        it, one per parent. Without a client (no preflight) the older rule holds."""
        if self.client is not None and self.client.engine_at_least(SHARED_PARENT):
            if 'passthru' not in (mode, other_mode):
                return None
            return ('%s is already used by %s; a macvlan network in passthru mode needs its parent interface to '
                    'itself: use another interface or a VLAN sub-interface (%s.<id>)' % (parent, other, parent))
        engine = ''
        if self.client is not None:
            engine = ' (%s)' % self.client.engine_problem('another macvlan network on the same parent', SHARED_PARENT)
        return ('%s is already used by %s; Docker Engine before %s allows one macvlan network per parent '
                'interface, whatever its mode%s: use a VLAN sub-interface (%s.<id>) for another one'
                % (parent, other, SHARED_PARENT, engine, parent))
