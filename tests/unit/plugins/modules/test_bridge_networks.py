# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.modules import bridge_networks
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import from_docker, gathered_form, normalise_desired


def test_every_bridge_option_maps_to_docker_key():
    assert set(bridge_networks.BRIDGE_SPEC.options) == set(bridge_networks.BRIDGE_OPTIONS)
    keys = bridge_networks.BRIDGE_SPEC.mapped_keys()
    assert 'com.docker.network.bridge.name' in keys and 'com.docker.network.driver.mtu' in keys


def test_cli_network_round_trips_through_bridge_spec():
    # What `docker network create -o com.docker.network.bridge.enable_icc=0 lan` leaves in the API.
    network = dict(Name='lan', Id='f' * 64, Driver='bridge', EnableIPv6=False, Internal=False, Attachable=False,
                   IPAM=dict(Config=[dict(Subnet='172.18.0.0/16', Gateway='172.18.0.1')]),
                   Options={'com.docker.network.bridge.enable_icc': '0'}, Labels={})
    existing = from_docker(bridge_networks.BRIDGE_SPEC, network)
    assert existing['enable_icc'] is False and existing['host_binding_ipv4'] == '0.0.0.0'
    fed_back = normalise_desired(bridge_networks.BRIDGE_SPEC, gathered_form(existing))
    assert differences(bridge_networks.BRIDGE_SPEC, fed_back, existing, 'replaced') == []


def test_bridge_interface_names():
    assert bridge_networks.bridge_interfaces(dict(Id='0123456789abcdef', Options={})) == ['br-0123456789ab']
    assert bridge_networks.bridge_interfaces(
        dict(Id='x', Options={'com.docker.network.bridge.name': 'docker0'})) == ['docker0']
