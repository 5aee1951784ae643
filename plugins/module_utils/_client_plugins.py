# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed managed-plugin calls for DockerClient (GET /plugins/{name}/json, pull, enable, ...).

Private to this collection; a mixin of DockerClient (_client). As in every _client_*
mixin, the SDK's answer comes back as it is and its errors go through (see _client_reads): the
plugin runner says what it was doing with DockerClient.call. Pull and upgrade return the SDK's
progress stream, which the caller reads to its end.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class PluginCalls:
    def inspect_plugin(self, name):
        """The plugin; the SDK's NotFound when it is not installed."""
        return self.api.inspect_plugin(name)

    def plugin_privileges(self, reference):
        """The privileges the plugin at reference (a registry) asks for."""
        return self.api.plugin_privileges(reference)

    def pull_plugin(self, reference, privileges, name):
        return self.api.pull_plugin(reference, privileges, name)

    def upgrade_plugin(self, name, reference, privileges):
        return self.api.upgrade_plugin(name, reference, privileges)

    def enable_plugin(self, name):
        return self.api.enable_plugin(name)

    def disable_plugin(self, name):
        return self.api.disable_plugin(name)

    def configure_plugin(self, name, options):
        return self.api.configure_plugin(name, options)

    def remove_plugin(self, name):
        return self.api.remove_plugin(name)

    def create_plugin(self, name, folder):
        """POST /plugins/create from a plugin folder (config.json and rootfs), which the SDK tars."""
        return self.api.create_plugin(name, folder)

    def create_plugin_from_tar(self, name, archive):
        """POST /plugins/create with archive (a file object of a plain tar) as the body.

        The SDK only tars a folder, and the Engine reads a plain tar only: the caller decompresses.
        """
        response = self.api._post(self.api._url('/plugins/create'), params={'name': name},
                                  data=archive, headers={'Content-Type': 'application/x-tar'})
        self.api._raise_for_status(response)
