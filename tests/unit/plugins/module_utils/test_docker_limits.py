# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _docker_limits as limits


def test_mtu_limits():
    assert limits.mtu_problems(None) == []
    assert limits.mtu_problems(1500) == []
    assert limits.mtu_problems(65535) == []
    assert limits.mtu_problems(100000) == [('mtu', '100000 is outside 68-65535: Docker would create the network, '
                                                   'but no container could join it')]
    assert limits.mtu_problems(67)[0][1].startswith('67 is outside 68-65535')
    assert limits.mtu_problems(1000) == []
    assert limits.mtu_problems(1000, ipv6=True)[0][1].startswith('1000 is below 1280')
    # A value the argspec let through as text is reported by the type check, not here.
    assert limits.mtu_problems('abc') == []


def test_interface_names():
    assert limits.interface_name_problems('bridge_name', None) == []
    assert limits.interface_name_problems('bridge_name', 'br-fifteen-char') == []
    assert limits.interface_name_problems('bridge_name', 'br-sixteen-chars')[0][1] == (
        '"br-sixteen-chars" is 16 characters long; Linux allows link names of at most 15 characters')
    links = {'eth0': None, 'veth1': 'veth', 'br-lan': 'bridge'}
    assert limits.interface_name_problems('bridge_name', 'br-lan', links) == []
    assert limits.interface_name_problems('bridge_name', 'veth1', links)[0][1] == (
        '"veth1" names an existing link of this host that is not a bridge (it is a veth link)')
    assert 'it is a plain link' in limits.interface_name_problems('bridge_name', 'eth0', links)[0][1]


def test_vlan_ids_in_a_parent():
    assert limits.vlan_problems('parent', 'eth0') == []
    assert limits.vlan_problems('parent', 'eth0.10') == []
    assert limits.vlan_problems('parent', 'eth0.4094') == []
    assert limits.vlan_problems('parent', 'eth0.5000') == [('parent', 'eth0.5000 has VLAN id 5000; 802.1Q VLAN ids are 1-4094')]
    assert limits.vlan_problems('parent', 'eth0.0')[0][1].startswith('eth0.0 has VLAN id 0')
    assert 'at most 15' in limits.vlan_problems('parent', 'enp0s31f6abc.100')[0][1]


def test_container_addresses_docker_refuses():
    subnets = [dict(subnet='10.1.0.0/24', gateway='10.1.0.254', aux_addresses=dict(router='10.1.0.9'))]
    containers = [dict(name='a', ipv4_address='10.1.0.254'), dict(name='b', ipv4_address='10.1.0.9'),
                  dict(name='c', ipv4_address='10.1.0.5'), dict(name='d', ipv4_address='10.1.0.5'),
                  dict(name='e', ipv4_address='10.1.0.0'), dict(name='f', ipv4_address='10.1.0.255'),
                  dict(name='g', ipv4_address='fd00::5'), dict(name='h', ipv4_address='10.1.0.6')]
    assert limits.container_address_problems(subnets, containers) == [
        ('containers[0].ipv4_address', '10.1.0.254 is the gateway of subnet 10.1.0.0/24'),
        ('containers[1].ipv4_address', '10.1.0.9 is aux_addresses.router'),
        ('containers[3].ipv4_address', '10.1.0.5 is also the static address of container "c"'),
        ('containers[4].ipv4_address', '10.1.0.0 is the network address of subnet 10.1.0.0/24'),
        ('containers[5].ipv4_address', '10.1.0.255 is the broadcast address of subnet 10.1.0.0/24'),
        ('containers[6].ipv4_address', 'fd00::5 is not an IPv4 address'),
    ]


def test_the_gateway_docker_picks_is_reserved_too():
    problems = limits.container_address_problems([dict(subnet='10.2.0.0/24')], [dict(name='a', ipv4_address='10.2.0.1')])
    assert problems == [('containers[0].ipv4_address', '10.2.0.1 is the gateway Docker gives subnet 10.2.0.0/24 (none is set)')]


def test_an_aux_address_on_the_gateway():
    entry = dict(subnet='10.3.0.0/24', gateway='10.3.0.1', aux_addresses=dict(a='10.3.0.1', b='10.3.0.2'))
    assert limits.subnet_entry_problems(entry) == [('aux_addresses.a', '10.3.0.1 is the gateway of subnet 10.3.0.0/24')]


def test_bridge_name_on_an_existing_link_that_is_not_a_bridge():
    links = [dict(ifname='eth0'), dict(ifname='veth1', linkinfo=dict(info_kind='veth')),
             dict(ifname='br-lan', linkinfo=dict(info_kind='bridge'))]
    kinds = limits.link_kinds_from_json(links)
    assert kinds == {'eth0': None, 'veth1': 'veth', 'br-lan': 'bridge'}
    configs = [dict(name='a', bridge_name='veth1'), dict(name='b', bridge_name='br-lan'), dict(name='c'),
               dict(name='d', bridge_name='br-new')]
    assert limits.bridge_name_problems(configs, lambda: kinds) == [
        ('a', 'bridge_name', '"veth1" names an existing link of this host that is not a bridge (it is a veth link)')]


def test_the_host_is_not_read_when_no_bridge_name_is_set():
    def unreadable():
        raise AssertionError('read although no network sets a bridge_name')
    assert limits.bridge_name_problems([dict(name='a')], unreadable) == []


def test_vxlan_ids_one_per_subnet_in_range():
    subnets = [dict(subnet='10.1.0.0/24'), dict(subnet='10.2.0.0/24')]
    assert limits.vxlan_problems(None, subnets) == []
    assert limits.vxlan_problems([4097, 4098], subnets) == []
    assert limits.vxlan_problems([4097], subnets) == [
        ('vxlan_ids', 'has 1 ids for 2 subnets; Docker takes exactly one per subnet, in order')]
    assert limits.vxlan_problems([0, 16777216], subnets) == [
        ('vxlan_ids', '0 is outside 1-16777215, the range of a VXLAN id'),
        ('vxlan_ids', '16777216 is outside 1-16777215, the range of a VXLAN id')]
