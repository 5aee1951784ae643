# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connecting containers to networks and disconnecting them, for DockerClient: the recreate's calls.

Private to this collection; a mixin of DockerClient (_client), whose ``request`` each call goes
through, so its errors are the client's typed ones (DockerUnreachable, DockerAPIError).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._client_sdk import accepts_parameter


class EndpointCalls:
    def connect_container(self, container, network_id, network_name, ipv4_address=None, ipv6_address=None,
                          aliases=None, links=None, driver_opts=None, mac_address=None, gw_priority=None,
                          container_name=None):
        """Attach ``container`` (ID or name; ``container_name`` for messages); ``links``: (container, alias) pairs.

        ``gw_priority`` (Engine API 1.48) and, before SDK 7, ``mac_address`` are fields the SDK cannot
        send: the request then goes to the Engine API directly (_post_connect).
        """
        what = 'connecting container "%s" to network "%s"' % (container_name or container, network_name)
        endpoint = dict(ipv4_address=ipv4_address, ipv6_address=ipv6_address, aliases=aliases, links=links,
                        driver_opt=driver_opts)
        extra = {}
        if mac_address:
            extra['MacAddress'] = mac_address
        if gw_priority:
            extra['GwPriority'] = gw_priority
        sdk_sends_mac = accepts_parameter(self.api.connect_container_to_network, 'mac_address')
        if 'GwPriority' in extra or (mac_address and not sdk_sends_mac):
            self.request(what, self._post_connect, container, network_id, endpoint, extra)
            return
        more = dict(mac_address=mac_address) if mac_address else {}
        self.request(what, self.api.connect_container_to_network, container, network_id, **dict(endpoint, **more))

    def _post_connect(self, container, network_id, endpoint, extra):
        """POST /networks/{id}/connect with the body the SDK would send, plus ``extra`` EndpointConfig fields."""
        config = self.api.create_endpoint_config(**endpoint)
        config.update(extra)
        response = self.api._post_json(self.api._url('/networks/{0}/connect', network_id),
                                       data={'Container': container, 'EndpointConfig': config})
        self.api._raise_for_status(response)

    def disconnect_container(self, container, network_id, network_name, force=True, container_name=None):
        self.request('disconnecting container "%s" from network "%s"' % (container_name or container, network_name),
                     self.api.disconnect_container_from_network, container, network_id, force=force)
