# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed swarm calls for DockerClient: this node's membership and the nodes a manager knows.

Private to this collection; a mixin of DockerClient (_client). As in every _client_*
mixin, the SDK's answer comes back as it is and its errors go through (see _client_reads): the
swarm runner says what it was doing with DockerClient.call, and reads a refused join or init itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class SwarmCalls:
    def inspect_swarm(self):
        """GET /swarm (managers only): the cluster's ID, Spec, Version and join tokens."""
        return self.api.inspect_swarm()

    def init_swarm(self, **options):
        """POST /swarm/init with the SDK's keyword arguments (advertise_addr, swarm_spec, ...)."""
        return self.api.init_swarm(**options)

    def require_init_swarm_sdk(self, option, parameter, version):
        """Raise when the installed SDK's init_swarm lacks parameter (see require_sdk)."""
        self.require_sdk(option, self.api.init_swarm, parameter, version)

    def join_swarm(self, **options):
        """POST /swarm/join with the SDK's keyword arguments (remote_addrs, join_token, ...)."""
        return self.api.join_swarm(**options)

    def leave_swarm(self, force=False):
        return self.api.leave_swarm(force=force)

    def update_swarm(self, version, swarm_spec, rotate_worker_token=False, rotate_manager_token=False,
                     rotate_manager_unlock_key=False):
        """POST /swarm/update at the cluster's version (its Version.Index)."""
        return self.api.update_swarm(version=version, swarm_spec=swarm_spec, rotate_worker_token=rotate_worker_token,
                                     rotate_manager_token=rotate_manager_token,
                                     rotate_manager_unlock_key=rotate_manager_unlock_key)

    def swarm_nodes(self):
        """GET /nodes (managers only)."""
        return self.api.nodes()

    def inspect_node(self, node_id):
        return self.api.inspect_node(node_id)

    def update_node(self, node_id, version, node_spec):
        return self.api.update_node(node_id, version, node_spec)

    def remove_node(self, node_id, force=False):
        return self.api.remove_node(node_id, force=force)
