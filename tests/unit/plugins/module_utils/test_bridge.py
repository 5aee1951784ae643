# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.bridge import BridgeDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import from_docker, gathered_form, normalise_desired

BRIDGE = BridgeDriver()


def test_every_bridge_option_maps_to_docker_key():
    keys = BRIDGE.mapped_keys()
    assert 'com.docker.network.bridge.name' in keys and 'com.docker.network.driver.mtu' in keys


def test_cli_network_round_trips_through_bridge_spec():
    # What `docker network create -o com.docker.network.bridge.enable_icc=0 lan` leaves in the API.
    network = dict(Name='lan', Id='f' * 64, Driver='bridge', EnableIPv6=False, Internal=False, Attachable=False,
                   IPAM=dict(Config=[dict(Subnet='172.18.0.0/16', Gateway='172.18.0.1')]),
                   Options={'com.docker.network.bridge.enable_icc': '0'}, Labels={})
    existing = from_docker(BRIDGE, network)
    assert existing['enable_icc'] is False and existing['host_binding_ipv4'] == '0.0.0.0'
    fed_back = normalise_desired(BRIDGE, gathered_form(existing))
    assert differences(BRIDGE, fed_back, existing, 'replaced') == []


def test_docker_gwbridge_is_kept_by_overridden():
    assert BRIDGE.protected(dict(Name='docker_gwbridge')) == "the swarm's gateway bridge"
    assert BRIDGE.protected(dict(Name='lan')) is None


def test_bridge_interface_names():
    assert BRIDGE.owned_interfaces(dict(Id='0123456789abcdef', Options={})) == ['br-0123456789ab']
    assert BRIDGE.owned_interfaces(
        dict(Id='x', Options={'com.docker.network.bridge.name': 'docker0'})) == ['docker0']
