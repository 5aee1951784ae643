# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each fleet-level problem rule, on the demo fleet's real data with one thing made wrong."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.fleetnet.docker.plugins.module_utils._report.model import build_report


def problems(fleet, rule, **options):
    return [problem for problem in build_report(fleet, **options)['problems'] if problem['rule'] == rule]


def test_same_subnet_is_fine_while_no_host_routes_it_to_another(fleet):
    # demo-frontend is 10.240.1.0/24 on every host; each host keeps its own.
    assert problems(fleet, 'same_subnet_routed') == []


def test_same_subnet_on_hosts_that_route_to_each_other(fleet, on_host):
    on_host('h1')['engine']['routes'].append(dict(destination='10.240.1.0/24', gateway='10.231.187.12', interface='eth0'))
    found = problems(fleet, 'same_subnet_routed')
    assert found and all(problem['hosts'] == ['h1', 'h2'] for problem in found)
    assert found[0]['networks'] == ['demo-frontend']
    assert 'h1 routes 10.240.1.0/24 via h2 (10.231.187.12)' in found[0]['message']


def test_a_route_to_another_subnet_is_no_conflict(fleet, on_host):
    on_host('h1')['engine']['routes'].append(dict(destination='10.99.0.0/24', gateway='10.231.187.12', interface='eth0'))
    assert problems(fleet, 'same_subnet_routed') == []


def test_overlapping_slices_of_one_pool(fleet, on_host):
    on_host('h2', 'demo-lan')['ipam']['subnets'][0]['ip_range'] = on_host('h1', 'demo-lan')['ipam']['subnets'][0]['ip_range']
    found = problems(fleet, 'pool_slices_overlap')
    assert len(found) == 1 and found[0]['hosts'] == ['h1', 'h2'] and found[0]['networks'] == ['demo-lan']
    assert '10.231.187.128/28 of h1 overlaps the range 10.231.187.128/28 of h2' in found[0]['message']


def test_a_host_without_a_slice_overlaps_every_other(fleet, on_host):
    on_host('h3', 'demo-lan')['ipam']['subnets'][0]['ip_range'] = None
    found = problems(fleet, 'pool_slices_overlap')
    assert sorted(tuple(problem['hosts']) for problem in found) == [('h1', 'h3'), ('h2', 'h3')]


def test_the_same_address_on_two_hosts_of_one_lan(fleet, on_host):
    lan_container = on_host('h2', 'demo-lan')['containers'][0]
    twin = copy.deepcopy(lan_container)
    twin['name'] = 'twin'
    on_host('h3', 'demo-lan')['containers'].append(twin)
    found = problems(fleet, 'pool_slices_overlap')
    assert len(found) == 1 and found[0]['hosts'] == ['h2', 'h3']
    assert '%s is used on several hosts at once' % lan_container['ipv4_address'] in found[0]['message']


def test_encrypted_overlay_on_a_host_without_esp(fleet, on_host):
    on_host('h1', 'demo-overlay')['options']['encrypted'] = ''
    found = problems(fleet, 'encrypted_overlay_without_esp')
    assert len(found) == 1 and found[0]['hosts'] == ['h1'] and found[0]['networks'] == ['demo-overlay']
    assert 'AEAD' in found[0]['message']  # the kernel's own words, recorded in the fixture


def test_encrypted_overlay_where_esp_works(fleet, on_host):
    on_host('h1', 'demo-overlay')['options']['encrypted'] = ''
    on_host('h1')['engine']['esp'] = dict(available=True, reason=None)
    assert problems(fleet, 'encrypted_overlay_without_esp') == []


def test_a_swarm_node_down(fleet, on_host):
    node = next(node for node in on_host('h1')['swarm']['nodes'] if node['hostname'] == 'h3')
    node['status'] = 'down'
    found = problems(fleet, 'swarm_node_down')
    assert len(found) == 1 and found[0]['hosts'] == ['h3']
    assert 'swarm node h3 (10.231.187.13, worker' in found[0]['message'] and 'is down' in found[0]['message']


def test_an_unreachable_manager(fleet, on_host):
    node = next(node for node in on_host('h1')['swarm']['nodes'] if node['hostname'] == 'h1')
    node['manager_reachability'] = 'unreachable'
    found = problems(fleet, 'swarm_node_down')
    assert len(found) == 1 and 'unreachable' in found[0]['message']


def _swarm_macvlan(fleet, on_host, config_hosts):
    """A swarm-scoped macvlan network (made from config-only networks) as Docker lists it, on h1."""
    lan = on_host('h1', 'demo-lan')
    swarm_network = copy.deepcopy(lan)
    swarm_network.update(name='swarm-lan', id='swarmlan0000000000000000', scope='swarm', config_from='swarm-lan-config',
                         containers=[])
    on_host('h1')['networks'].append(swarm_network)
    for host in config_hosts:
        config = copy.deepcopy(on_host(host, 'demo-lan'))
        config.update(name='swarm-lan-config', id='config-' + host, config_only=True, driver='null', containers=[])
        on_host(host)['networks'].append(config)


def test_swarm_network_whose_config_is_missing_on_a_node(fleet, on_host):
    _swarm_macvlan(fleet, on_host, ['h1', 'h2'])
    found = problems(fleet, 'swarm_network_missing')
    assert len(found) == 1 and found[0]['hosts'] == ['h3']
    assert found[0]['networks'] == ['swarm-lan', 'swarm-lan-config']
    assert 'which h3 lacks' in found[0]['message']


def test_swarm_network_with_its_config_everywhere(fleet, on_host):
    _swarm_macvlan(fleet, on_host, ['h1', 'h2', 'h3'])
    assert problems(fleet, 'swarm_network_missing') == []
    report = build_report(fleet)
    span = next(span for span in report['spanning'] if span['name'] == 'swarm-lan')
    assert span['kind'] == 'swarm' and span['probe_hosts'] == ['h1', 'h2', 'h3']


def test_a_host_that_reported_nothing(fleet):
    found = problems(fleet, 'host_unreported', expected_hosts=['h1', 'h2', 'h3', 'h4'])
    assert len(found) == 1 and found[0]['hosts'] == ['h4'] and found[0]['severity'] == 'warning'


def test_encrypted_overlay_on_a_swarm_mixing_29_0_to_29_2_with_other_engines(fleet, on_host):
    on_host('h1', 'demo-overlay')['options']['encrypted'] = ''
    assert problems(fleet, 'encrypted_overlay_engines_mismatch') == []
    on_host('h2')['engine']['engine']['version'] = '29.1.3'
    found = problems(fleet, 'encrypted_overlay_engines_mismatch')
    assert len(found) == 1 and found[0]['networks'] == ['demo-overlay'] and found[0]['hosts'] == ['h1', 'h2', 'h3']
    assert 'on h2 (29.1.3) with other releases on h1 (20.10.24+dfsg1), h3' in found[0]['message']
    assert 'upgrade h2 to 29.2.1 or later' in found[0]['message']


def test_the_same_engines_without_an_encrypted_overlay_are_no_problem(fleet, on_host):
    on_host('h2')['engine']['engine']['version'] = '29.1.3'
    assert problems(fleet, 'encrypted_overlay_engines_mismatch') == []


def test_a_fleet_that_mixes_firewall_backends(fleet, on_host):
    assert problems(fleet, 'mixed_firewall_backends') == []
    on_host('h1')['engine']['engine']['firewall_backend'] = 'iptables'
    on_host('h2')['engine']['engine']['firewall_backend'] = 'iptables+firewalld'
    assert problems(fleet, 'mixed_firewall_backends') == []
    on_host('h3')['engine']['engine']['firewall_backend'] = 'nftables'
    found = problems(fleet, 'mixed_firewall_backends')
    assert len(found) == 1 and found[0]['severity'] == 'warning' and found[0]['hosts'] == ['h1', 'h2', 'h3']
    assert 'iptables on h1, h2; nftables on h3' in found[0]['message']
