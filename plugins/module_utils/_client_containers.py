# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed container and image calls for DockerClient, as the probe module uses them.

Private to this collection; a mixin of DockerClient (_client). As in every _client_*
mixin, the SDK's answer comes back as it is and its errors go through (see _client_reads): the
caller says what it was doing with DockerClient.call, or reads NotFound and APIError itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ContainerCalls:
    def inspect_image(self, image):
        """The image; the SDK's NotFound when the host does not have it."""
        return self.api.inspect_image(image)

    def pull_image(self, repository, tag):
        return self.api.pull(repository, tag=tag)

    def run_container(self, image, command, name, labels, network):
        """Create and start a detached container on network alone, removed by Docker when it ends."""
        host_config = self.api.create_host_config(network_mode=network, auto_remove=True)
        networking = self.api.create_networking_config({network: self.api.create_endpoint_config()})
        created = self.api.create_container(image, command=command, name=name, labels=labels,
                                            host_config=host_config, networking_config=networking, detach=True)
        self.api.start(created['Id'])
        return created

    def read_container(self, reference):
        """GET /containers/{id}/json by name or ID; the SDK's NotFound when there is none."""
        return self.api.inspect_container(reference)

    def container_summaries(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        """GET /containers/json: running ones, or with all every one; filters as the Engine API's."""
        return self.api.containers(all=all, filters=filters)

    def remove_container(self, reference, force=True):
        return self.api.remove_container(reference, force=force)

    def exec_in(self, container, command):
        """Run command in container: (its output, stdout and stderr in one stream as bytes; exit code)."""
        execution = self.api.exec_create(container, command, stdout=True, stderr=True)
        output = self.api.exec_start(execution['Id'])
        return output, self.api.exec_inspect(execution['Id']).get('ExitCode')
