# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalisation of Engine API answers, with answers recorded from Docker Engine 20.10 (API 1.41)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.fleetnet.docker.plugins.module_utils import _inspect
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker

NETWORK_ID = '00d946640e229b206c65116266bedda46b214a588b71f2d5d9ed29be8d9b2ce8'
CONTAINER_ID = 'dd368833aaab9db9aa0d3cea7bad5242f9006b756d69458d254de2e220dcb934'
HOST_ID = 'e44149dd1cb7e00bef9b025ca1e3be55a6121e6a59d0331aab72a96fa7e7a845'
BRIDGE_ID = '7e56c9af16da12c397f58b17b39bf2f8c2d14deb2bf9a9846857e00a1b308f87'

# GET /networks on a fresh daemon plus one user network (the list never fills Containers).
NETWORK_LIST = [
    {"Name": "none", "Id": "4062781ff9b04b0e60703ec3c23a69e0a21c9f1dee5c4c1dc6c33bae76c60f8b",
     "Created": "2026-11-27T18:26:26.852683237Z", "Scope": "local", "Driver": "null", "EnableIPv6": False,
     "IPAM": {"Driver": "default", "Options": None, "Config": []}, "Internal": False, "Attachable": False,
     "Ingress": False, "ConfigFrom": {"Network": ""}, "ConfigOnly": False, "Containers": {}, "Options": {},
     "Labels": {}},
    {"Name": "host", "Id": HOST_ID,
     "Created": "2026-11-27T18:26:26.862203747Z", "Scope": "local", "Driver": "host", "EnableIPv6": False,
     "IPAM": {"Driver": "default", "Options": None, "Config": []}, "Internal": False, "Attachable": False,
     "Ingress": False, "ConfigFrom": {"Network": ""}, "ConfigOnly": False, "Containers": {}, "Options": {},
     "Labels": {}},
    {"Name": "bridge", "Id": BRIDGE_ID,
     "Created": "2026-11-27T18:26:26.885992709Z", "Scope": "local", "Driver": "bridge", "EnableIPv6": False,
     "IPAM": {"Driver": "default", "Options": None, "Config": [{"Subnet": "172.17.0.0/16"}]},
     "Internal": False, "Attachable": False, "Ingress": False, "ConfigFrom": {"Network": ""},
     "ConfigOnly": False, "Containers": {},
     "Options": {"com.docker.network.bridge.default_bridge": "true",
                 "com.docker.network.bridge.name": "docker0"},
     "Labels": {}},
    {"Name": "tnet", "Id": NETWORK_ID,
     "Created": "2026-11-27T18:27:36.004339652Z", "Scope": "local", "Driver": "bridge", "EnableIPv6": True,
     "IPAM": {"Driver": "default", "Options": {},
              "Config": [{"Subnet": "10.91.1.0/24", "Gateway": "10.91.1.1", "IPRange": "10.91.1.128/25",
                          "AuxiliaryAddresses": {"router": "10.91.1.2"}},
                         {"Subnet": "fd00:91::/64"}]},
     "Internal": True, "Attachable": False, "Ingress": False, "ConfigFrom": {"Network": ""},
     "ConfigOnly": False, "Containers": {}, "Options": {"com.docker.network.bridge.name": "br-tnet"},
     "Labels": {"a": "b"}},
]

# GET /containers/json: the summary has NetworkID but no aliases (Aliases is null here).
CONTAINER_SUMMARIES = [
    {"Id": CONTAINER_ID, "Names": ["/tc"], "State": "running",
     "NetworkSettings": {"Networks": {
         "tnet": {"IPAMConfig": {"IPv4Address": "10.91.1.50"}, "Aliases": None, "NetworkID": NETWORK_ID,
                  "IPAddress": "10.91.1.50", "IPPrefixLen": 24, "GlobalIPv6Address": "",
                  "MacAddress": "02:42:0a:5b:01:32"},
         "bridge": {"Aliases": None, "NetworkID": BRIDGE_ID, "IPAddress": "172.17.0.2",
                    "MacAddress": "02:42:ac:11:00:02"}}}},
    {"Id": "cbf5de09a7d907819ec7c48278e5d397c3b9c897b98ccb49a0932bc2a291e240", "Names": ["/th"],
     "NetworkSettings": {"Networks": {"host": {"NetworkID": HOST_ID, "IPAddress": "", "MacAddress": ""}}}},
]

# GET /containers/tc/json, the part that matters.
CONTAINER_INSPECT = {
    "Id": CONTAINER_ID, "Name": "/tc",
    "NetworkSettings": {"Networks": {
        "tnet": {"IPAMConfig": {"IPv4Address": "10.91.1.50"}, "Links": None,
                 "Aliases": ["web", "dd368833aaab"], "NetworkID": NETWORK_ID,
                 "EndpointID": "5951f58a4435a0c5a0a82d8f062fda3e9a7266afa34caf0fa60d4193ec2182c8",
                 "Gateway": "10.91.1.1", "IPAddress": "10.91.1.50", "IPPrefixLen": 24, "IPv6Gateway": "",
                 "GlobalIPv6Address": "fd00:91::50", "GlobalIPv6PrefixLen": 64,
                 "MacAddress": "02:42:0a:5b:01:32", "DriverOpts": None},
        "bridge": {"Aliases": None, "NetworkID": BRIDGE_ID, "IPAddress": "172.17.0.2",
                   "GlobalIPv6Address": "", "MacAddress": "02:42:ac:11:00:02"}}},
}


def network_named(name):
    return copy.deepcopy([network for network in NETWORK_LIST if network['Name'] == name][0])


def test_predefined_networks_are_bridge_host_and_none_only():
    assert [_inspect.is_predefined(name) for name in ('bridge', 'host', 'none')] == [True] * 3
    assert not _inspect.is_predefined('ingress')
    assert not _inspect.is_predefined('docker_gwbridge')
    assert not _inspect.is_predefined('tnet')


def test_select_without_filters_keeps_everything():
    assert _inspect.select_networks(NETWORK_LIST) == NETWORK_LIST
    assert _inspect.select_networks(NETWORK_LIST, names=[], drivers=[]) == NETWORK_LIST


def test_select_by_name_is_exact_not_substring():
    # Docker's own name filter would also return "tnet" for "net"; ours must not.
    assert _inspect.select_networks(NETWORK_LIST, names=['net']) == []
    assert [n['Name'] for n in _inspect.select_networks(NETWORK_LIST, names=['tnet', 'missing'])] == ['tnet']


def test_select_by_driver_and_name_combines_both():
    assert [n['Name'] for n in _inspect.select_networks(NETWORK_LIST, drivers=['bridge'])] == ['bridge', 'tnet']
    assert [n['Name'] for n in _inspect.select_networks(NETWORK_LIST, drivers=['null'])] == ['none']
    assert _inspect.select_networks(NETWORK_LIST, names=['tnet'], drivers=['host']) == []


def test_attached_containers_maps_network_ids_to_container_ids():
    attached = _inspect.attached_containers(NETWORK_LIST, CONTAINER_SUMMARIES)
    assert attached == {
        NETWORK_ID: [CONTAINER_ID],
        BRIDGE_ID: [CONTAINER_ID],
        HOST_ID: ['cbf5de09a7d907819ec7c48278e5d397c3b9c897b98ccb49a0932bc2a291e240'],
    }


def test_attached_containers_ignores_networks_not_selected():
    attached = _inspect.attached_containers([network_named('tnet')], CONTAINER_SUMMARIES)
    assert attached == {NETWORK_ID: [CONTAINER_ID]}


def test_attached_containers_falls_back_to_the_name_when_docker_gives_no_network_id():
    summary = {"Id": CONTAINER_ID, "NetworkSettings": {"Networks": {"tnet": {"NetworkID": ""}}}}
    assert _inspect.attached_containers(NETWORK_LIST, [summary]) == {NETWORK_ID: [CONTAINER_ID]}


def test_attached_containers_survives_null_network_settings():
    summaries = [{"Id": CONTAINER_ID, "NetworkSettings": None}, {"Id": "x" * 64, "NetworkSettings": {"Networks": None}}]
    assert _inspect.attached_containers(NETWORK_LIST, summaries) == {}


def test_normalise_ipam_with_every_field():
    assert _inspect.normalise_ipam(network_named('tnet')['IPAM']) == {
        'driver': 'default',
        'options': {},
        'subnets': [
            {'subnet': '10.91.1.0/24', 'gateway': '10.91.1.1', 'ip_range': '10.91.1.128/25',
             'aux_addresses': {'router': '10.91.1.2'}},
            {'subnet': 'fd00:91::/64', 'gateway': None, 'ip_range': None, 'aux_addresses': {}},
        ],
    }


def test_normalise_ipam_turns_null_into_empty():
    assert _inspect.normalise_ipam(None) == {'driver': None, 'options': {}, 'subnets': []}
    assert _inspect.normalise_ipam({"Driver": "default", "Options": None, "Config": None}) == {
        'driver': 'default', 'options': {}, 'subnets': []}


def test_normalise_endpoint_strips_the_automatic_short_id_alias():
    endpoint = _inspect.normalise_endpoint(CONTAINER_INSPECT, NETWORK_ID, 'tnet')
    assert endpoint == {
        'name': 'tc',
        'id': CONTAINER_ID,
        'ipv4_address': '10.91.1.50',
        'ipv6_address': 'fd00:91::50',
        'mac_address': '02:42:0a:5b:01:32',
        'aliases': ['web'],
        # A Docker 20.10 answer: no GwPriority, no DriverOpts.
        'gw_priority': None,
        'interface_name': None,
        'driver_opts': {},
    }


def test_normalise_endpoint_on_the_default_bridge_has_no_aliases_and_no_ipv6():
    endpoint = _inspect.normalise_endpoint(CONTAINER_INSPECT, BRIDGE_ID, 'bridge')
    assert endpoint['aliases'] == []
    assert endpoint['ipv6_address'] is None
    assert endpoint['ipv4_address'] == '172.17.0.2'


def test_normalise_endpoint_matches_by_id_even_when_the_name_is_reused():
    # In swarm two networks can share a name; the key in NetworkSettings is only the name.
    assert _inspect.normalise_endpoint(CONTAINER_INSPECT, 'f' * 64, 'tnet') is None


def test_normalise_endpoint_when_no_longer_attached():
    container = copy.deepcopy(CONTAINER_INSPECT)
    del container['NetworkSettings']['Networks']['tnet']
    assert _inspect.normalise_endpoint(container, NETWORK_ID, 'tnet') is None


def test_normalise_endpoint_on_the_host_network_has_no_addresses():
    container = {"Id": "c" * 64, "Name": "/th", "NetworkSettings": {"Networks": {
        "host": {"Aliases": None, "NetworkID": HOST_ID, "IPAddress": "", "GlobalIPv6Address": "", "MacAddress": ""}}}}
    assert _inspect.normalise_endpoint(container, HOST_ID, 'host') == {
        'name': 'th', 'id': 'c' * 64, 'ipv4_address': None, 'ipv6_address': None, 'mac_address': None,
        'aliases': [], 'gw_priority': None, 'interface_name': None, 'driver_opts': {}}


def test_docker_28_endpoint_and_network_fields():
    container = {"Id": "d" * 64, "Name": "/web", "NetworkSettings": {"Networks": {"edge": {
        "NetworkID": NETWORK_ID, "IPAddress": "10.96.2.2", "MacAddress": "7e:5c:40:0e:88:88", "GwPriority": 10,
        "DriverOpts": {"com.docker.network.endpoint.ifname": "blue",
                       "com.docker.network.endpoint.sysctls": "net.ipv4.conf.IFNAME.log_martians=1"}}}}}
    endpoint = _inspect.normalise_endpoint(container, NETWORK_ID, 'edge')
    assert (endpoint['gw_priority'], endpoint['interface_name']) == (10, 'blue')
    assert endpoint['driver_opts']['com.docker.network.endpoint.sysctls'] == 'net.ipv4.conf.IFNAME.log_martians=1'
    network = _inspect.normalise_network({"Name": "edge", "Id": NETWORK_ID, "EnableIPv4": False, "Options": {
        "com.docker.network.bridge.gateway_mode_ipv4": "routed"}})
    assert (network['enable_ipv4'], network['gateway_mode_ipv4'], network['gateway_mode_ipv6']) == (False, 'routed', None)
    assert _inspect.normalise_network({"Name": "old", "Id": NETWORK_ID})['enable_ipv4'] is None


def test_normalise_network_user_network():
    containers = [
        {'name': 'zeta', 'id': 'b' * 64, 'ipv4_address': None, 'ipv6_address': None, 'mac_address': None, 'aliases': []},
        {'name': 'alpha', 'id': 'a' * 64, 'ipv4_address': None, 'ipv6_address': None, 'mac_address': None, 'aliases': []},
    ]
    network = _inspect.normalise_network(network_named('tnet'), containers)
    assert network['name'] == 'tnet'
    assert network['id'] == NETWORK_ID
    assert network['driver'] == 'bridge'
    assert network['scope'] == 'local'
    assert network['predefined'] is False
    assert network['internal'] is True
    assert network['attachable'] is False
    assert network['ingress'] is False
    assert network['enable_ipv6'] is True
    assert network['options'] == {'com.docker.network.bridge.name': 'br-tnet'}
    assert network['labels'] == {'a': 'b'}
    assert network['config_only'] is False
    assert network['config_from'] is None
    assert network['created'] == '2026-11-27T18:27:36.004339652Z'
    assert network['ipam']['subnets'][0]['subnet'] == '10.91.1.0/24'
    assert [c['name'] for c in network['containers']] == ['alpha', 'zeta']


def test_normalise_network_predefined_and_nulls():
    network = _inspect.normalise_network(network_named('none'))
    assert network['predefined'] is True
    assert network['driver'] == 'null'
    assert network['containers'] == []
    assert network['ipam'] == {'driver': 'default', 'options': {}, 'subnets': []}
    bare = {"Name": "odd", "Id": "e" * 64, "Options": None, "Labels": None, "ConfigFrom": None, "IPAM": None}
    normalised = _inspect.normalise_network(bare)
    assert (normalised['options'], normalised['labels'], normalised['config_from']) == ({}, {}, None)


def test_normalise_network_config_from():
    network = network_named('tnet')
    network['ConfigFrom'] = {"Network": "lan-config"}
    assert _inspect.normalise_network(network)['config_from'] == 'lan-config'


def test_normalise_network_does_not_share_dicts_with_the_api_answer():
    # Callers (the network engine) edit normalised networks; that must not change the source.
    source = network_named('tnet')
    network = _inspect.normalise_network(source)
    network['labels']['x'] = 'y'
    network['ipam']['subnets'][0]['aux_addresses']['z'] = '10.91.1.3'
    assert source['Labels'] == {'a': 'b'}
    assert source['IPAM']['Config'][0]['AuxiliaryAddresses'] == {'router': '10.91.1.2'}


def test_sort_networks_by_name_then_id():
    networks = [{'name': 'b', 'id': '1'}, {'name': 'a', 'id': '2'}, {'name': 'a', 'id': '1'}]
    assert _inspect.sort_networks(networks) == [{'name': 'a', 'id': '1'}, {'name': 'a', 'id': '2'}, {'name': 'b', 'id': '1'}]


def test_gather_inspects_each_attached_container_once_and_no_network():
    daemon = FakeDocker(networks=NETWORK_LIST, containers=[CONTAINER_INSPECT], vanishing=CONTAINER_SUMMARIES[1:])
    networks = _inspect.gather_networks(daemon)
    # tc is on two networks but inspected once; th vanished before its inspect and is left out.
    assert daemon.calls == [('list_networks',), ('list_containers', None), ('inspect_container', 'dd368833aaab'),
                            ('inspect_container', 'cbf5de09a7d9')]
    assert [n['name'] for n in networks] == ['bridge', 'host', 'none', 'tnet']
    by_name = dict((n['name'], n) for n in networks)
    assert [c['aliases'] for c in by_name['tnet']['containers']] == [['web']]
    assert [c['ipv4_address'] for c in by_name['bridge']['containers']] == ['172.17.0.2']
    assert by_name['host']['containers'] == []


def test_gather_with_nothing_selected_lists_no_containers():
    daemon = FakeDocker(networks=NETWORK_LIST, containers=[CONTAINER_INSPECT])
    assert _inspect.gather_networks(daemon, names=['missing']) == []
    assert daemon.call_names() == ['list_networks']


def test_gather_only_inspects_containers_of_selected_networks():
    daemon = FakeDocker(networks=NETWORK_LIST, containers=[CONTAINER_INSPECT])
    networks = _inspect.gather_networks(daemon, drivers=['null'])
    assert daemon.call_names() == ['list_networks', 'list_containers']
    assert [n['name'] for n in networks] == ['none']
