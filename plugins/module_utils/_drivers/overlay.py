# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The overlay driver: networks spanning swarm nodes, made on a manager; ESP for encrypted ones.

Private to this collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption, TopLevelField
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import ipsec_mismatch
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

    def __init__(self, module=None):
        super(OverlayDriver, self).__init__(module)
        self.client = None  # set by preflight: encrypted networks ask the swarm's nodes for their engines

    def preflight(self, client):
        """Overlay networks are swarm objects, made on a manager: why this node cannot, or None."""
        self.client = client
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
        """A second ingress network; an encrypted network on a swarm whose engines cannot share its keys."""
        problems = self._ingress_problems(desired_configs, existing_networks)
        encrypted = _encrypted_names(desired_configs, existing_networks)
        if encrypted and self.client is not None:
            versions = dict(((node.get('Description') or {}).get('Hostname') or node.get('ID'),
                             ((node.get('Description') or {}).get('Engine') or {}).get('EngineVersion') or 'unknown')
                            for node in self.client.list_nodes())
            reason = ipsec_mismatch(versions)
            if reason:
                # As the message reads: 'network "x" on h1: encrypted traffic cannot pass: the swarm mixes ...'.
                problems.extend((name, 'encrypted', 'traffic cannot pass: ' + reason) for name in encrypted)
        return problems

    def _ingress_problems(self, desired_configs, existing_networks):
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


def _encrypted_names(desired_configs, existing_networks):
    """The listed networks that are to be encrypted: asked for, or (encrypted not given) already encrypted."""
    existing = dict((network['Name'], network) for network in existing_networks)
    names = []
    for config in desired_configs:
        wanted = config.get('encrypted')
        if wanted is None:
            wanted = 'encrypted' in ((existing.get(config['name']) or {}).get('Options') or {})
        if wanted:
            names.append(config['name'])
    return names


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
