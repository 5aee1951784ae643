# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ipvlan driver: like macvlan, but the containers share the parent's MAC address (L2 and L3 modes).

Private to this collection. What it shares with macvlan (parent interface, config-only networks,
swarm workers) is in parent.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.parent import ParentDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import DriverOption
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import throwaway_namespace_problem

IPVLAN_MODES = ('l2', 'l3', 'l3s')
IPVLAN_FLAGS = ('bridge', 'private', 'vepa')


class IpvlanDriver(ParentDriver):
    driver = 'ipvlan'
    options = dict(
        parent=DriverOption('parent'),
        # No default here although Docker behaves as l2: a mode that is given is always sent, and
        # only a config-only network with ipvlan_mode can be told from a macvlan configuration.
        mode=DriverOption('ipvlan_mode', choices=IPVLAN_MODES),
        flag=DriverOption('ipvlan_flag', default='bridge', choices=IPVLAN_FLAGS),
    )
    mode_key = 'ipvlan_mode'
    inherited_defaults = dict(parent=None, mode=None, flag='bridge')

    def kernel_problem(self):
        return ipvlan_problem(self.module)

    def item_problems(self, config):
        found = super(IpvlanDriver, self).item_problems(config)
        if config.get('config_only') and not config.get('mode'):
            # The mode is what tells an ipvlan configuration from a macvlan one on the host.
            found.append(('mode', 'is required on an ipvlan config-only network'))
        return found


IPVLAN_PROBE = ('ip link add fleetnet-probe0 type veth peer name fleetnet-probe1 && '
                'ip link add fleetnet-probe2 link fleetnet-probe0 type ipvlan mode l2')


def ipvlan_problem(module):
    """Why this host's kernel cannot make ipvlan links, or None when it can (or cannot tell).

    Docker itself only makes the ipvlan link when a container joins, so a kernel without ipvlan
    would show up late, as a container that does not start. The probe makes a throwaway veth pair
    and an ipvlan link on it inside a new, empty network namespace that vanishes with the command:
    the kernel's link types are the same there, and nothing of the host is touched.
    """
    shell = module.get_bin_path('sh')
    if not shell or not module.get_bin_path('ip'):
        return None
    return throwaway_namespace_problem(module, [shell, '-c', IPVLAN_PROBE])
