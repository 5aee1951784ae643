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
