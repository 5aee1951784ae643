# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed reads of the daemon for DockerClient: GET /info, /version, /_ping, /networks.

Private to this collection; a mixin of DockerClient (_client), which gives it self.api.
Like every method of the _client_* mixins, these hand back the SDK's answer and let its errors
through: the caller says what it was doing with DockerClient.call (which reports the failure on
the host), or reads a refusal itself. The network engine's own reads (info, version,
inspect_network) are DockerClient's, and raise ModuleFailures.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class DaemonReads:
    def read_info(self):
        """GET /info (docker info); its Swarm section is this node's swarm membership."""
        return self.api.info()

    def read_version(self):
        """GET /version: the engine's version and the API version it speaks."""
        return self.api.version()

    def read_networks(self):
        """GET /networks: every network of the daemon."""
        return self.api.networks()

    def read_network(self, reference):
        """GET /networks/{id}: a network by name or ID; the SDK's NotFound when there is none."""
        return self.api.inspect_network(reference)

    def ping(self):
        """GET /_ping: whether the daemon answers at all."""
        return self.api.ping()
