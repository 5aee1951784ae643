# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The overlay driver: networks spanning swarm nodes, made on a manager; ESP for encrypted ones.

Private to this collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption, TopLevelField
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import throwaway_namespace_problem

# Docker encrypts overlay traffic with IPsec ESP in transport mode using AES-GCM (RFC 4106).
ESP_PROBE_KEY = '0x' + '00' * 20


class OverlayDriver(Driver):
    driver = 'overlay'
    options = dict(
        encrypted=DriverOption('encrypted', 'flag', default=False),
        mtu=DriverOption('com.docker.network.driver.mtu', 'int'),
        vxlan_ids=DriverOption('com.docker.network.driver.overlay.vxlanid_list', 'id_list', allocated_by_docker=True),
    )
    fields = dict(ingress=TopLevelField('Ingress'))
    # The VXLAN tunnels run over the hosts' own network; an overlay subnet never meets a host route.
    check_host_overlap = False

    def preflight(self, client):
        """Overlay networks are swarm objects, made on a manager: why this node cannot, or None."""
        swarm = client.info().get('Swarm') or {}
        node_state = swarm.get('LocalNodeState') or 'inactive'
        if node_state != 'active':
            return ('overlay networks on %s: this node is not in a swarm (swarm state "%s"); overlay networks '
                    'are created on a swarm manager: initialise or join one with fleetnet.docker.swarm, and run '
                    'this on a host of the managers group' % (client.host, node_state))
        if not swarm.get('ControlAvailable'):
            return ('overlay networks on %s: this node is a swarm worker (node %s); overlay networks can only be '
                    'managed on a swarm manager: run this on a host of the managers group'
                    % (client.host, swarm.get('NodeID') or '?'))
        return None

    def protected(self, network):
        if network.get('Ingress'):
            return 'the swarm routing mesh (ingress) network'
        return None

    def batch_problems(self, desired_configs, existing_networks):
        """A swarm has one ingress network: refuse a second one before anything changes."""
        wanted = [config['name'] for config in desired_configs if config.get('ingress')]
        problems = []
        for extra in wanted[1:]:
            problems.append((extra, 'ingress', 'only one ingress network can exist in a swarm, and "%s" is '
                                               'already listed as ingress' % wanted[0]))
        existing = [network['Name'] for network in existing_networks if network.get('Ingress')]
        for name in wanted[:1]:
            for other in existing:
                if other != name:
                    problems.append((name, 'ingress', 'the swarm already has the ingress network "%s"; delete it '
                                                      'first (state: deleted) to replace it with another name' % other))
        return problems


def esp_problem(module):
    """Why this host cannot pass encrypted overlay traffic, or None when it can (or cannot tell).

    Adds a throwaway ESP security association inside a new, empty network namespace: the kernel's
    crypto support is the same there, and nothing of the host's own network is touched.
    """
    ip_command = module.get_bin_path('ip')
    if not ip_command:
        return None
    return throwaway_namespace_problem(module, [
        ip_command, 'xfrm', 'state', 'add', 'src', '192.0.2.1', 'dst', '192.0.2.2', 'proto', 'esp',
        'spi', '0x100', 'mode', 'transport', 'aead', 'rfc4106(gcm(aes))', ESP_PROBE_KEY, '128'])
