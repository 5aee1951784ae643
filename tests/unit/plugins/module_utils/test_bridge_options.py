# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge options Docker added after 20.10, run through the module's runner against the fake daemon
on the engine versions a fleet has: render, create, idempotence, recreate, check mode, version gates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.bridge import BridgeDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine import runner
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, docker_network
from ansible_collections.fleetnet.docker.tests.unit.plugins.module_utils.test_engine_apply import FakeModule, ModuleExit

GATEWAY_V4 = 'com.docker.network.bridge.gateway_mode_ipv4'
GATEWAY_V6 = 'com.docker.network.bridge.gateway_mode_ipv6'


class BridgeWithoutHostReads(BridgeDriver):
    """The real bridge driver, minus the reads of the host's own links (there is no host here)."""
    check_host_overlap = False


def engine_28():
    return FakeDocker(api_version='1.51', engine_version='28.5.2', host='h2')


def engine_20():
    # Debian 12's docker.io reports its build after the release.
    return FakeDocker(api_version='1.41', engine_version='20.10.24+dfsg1', host='h2')


def run(daemon, **params):
    with pytest.raises(ModuleExit) as outcome:
        run_module(FakeModule(**params), runner.run_state, BridgeWithoutHostReads(), lambda module: daemon)
    return outcome.value


EDGE = dict(name='edge', gateway_mode_ipv4='routed', subnets=[dict(subnet='10.97.1.0/24')])


def test_rendered_sends_a_gateway_mode_only_when_it_is_not_docker_s_default():
    outcome = run(None, state='rendered', config=[EDGE, dict(name='plain', gateway_mode_ipv4='nat')])
    routed, plain = outcome.result['rendered']
    assert routed['Options'] == {GATEWAY_V4: 'routed'}
    assert plain['Options'] == {}


def test_routed_network_is_created_then_left_alone_on_28():
    daemon = engine_28()
    first = run(daemon, config=[EDGE])
    assert first.result['changed'] is True
    assert daemon.network('edge')['Options'] == {GATEWAY_V4: 'routed'}
    second = run(daemon, config=[EDGE])
    assert second.result['changed'] is False
    assert second.result['actions'] == [dict(name='edge', action='unchanged', differences=[])]
    gathered = run(daemon, state='gathered').result['gathered']
    assert gathered[0]['gateway_mode_ipv4'] == 'routed' and gathered[0]['gateway_mode_ipv6'] == 'nat'
    # What gathered returns, fed back under replaced, changes nothing.
    assert run(daemon, state='replaced', config=gathered).result['changed'] is False


def test_another_gateway_mode_recreates_the_network():
    daemon = engine_28()
    daemon.networks.append(docker_network('edge', subnets=['10.97.1.0/24'], options={GATEWAY_V4: 'routed'}))
    outcome = run(daemon, diff=True, config=[dict(EDGE, gateway_mode_ipv4='nat')])
    assert outcome.result['actions'][0]['action'] == 'recreated'
    assert outcome.result['actions'][0]['differences'] == ['gateway_mode_ipv4']
    assert daemon.network('edge')['Options'] == {}
    assert outcome.result['diff'][0]['before']['gateway_mode_ipv4'] == 'routed'
    assert outcome.result['diff'][0]['after']['gateway_mode_ipv4'] == 'nat'


def test_merged_leaves_a_gateway_mode_alone_when_it_is_not_given_and_replaced_puts_back_nat():
    daemon = engine_28()
    daemon.networks.append(docker_network('edge', subnets=['10.97.1.0/24'], options={GATEWAY_V6: 'routed'}))
    assert run(daemon, config=[dict(name='edge')]).result['changed'] is False
    replaced = run(daemon, state='replaced', check_mode=True, config=[dict(name='edge')])
    assert replaced.result['actions'][0]['differences'] == ['gateway_mode_ipv6']
    assert replaced.result['after'][0]['gateway_mode_ipv6'] == 'nat'


def test_check_mode_plans_the_routed_network_without_creating_it():
    daemon = engine_28()
    outcome = run(daemon, check_mode=True, config=[EDGE])
    assert outcome.result['changed'] is True and outcome.result['after'][0]['gateway_mode_ipv4'] == 'routed'
    assert 'create_network' not in daemon.call_names()


def test_routed_on_20_10_fails_with_the_versions_before_anything_changes():
    daemon = engine_20()
    outcome = run(daemon, config=[EDGE])
    assert outcome.failed and outcome.result['changed'] is False
    assert outcome.result['msg'] == (
        'network "edge" on h2: gateway_mode_ipv4 needs Docker Engine 27.0 (API 1.46) or later; '
        'this host runs 20.10.24 (API 1.41); nothing was changed')
    assert 'create_network' not in daemon.call_names()


def test_the_whole_batch_is_checked_and_a_good_network_is_not_created_either():
    daemon = engine_20()
    config = [dict(name='fine'), EDGE, dict(name='v6', enable_ipv6=True, gateway_mode_ipv6='routed',
                                            subnets=[dict(subnet='fd97::/64')])]
    outcome = run(daemon, config=config)
    assert outcome.result['errors'] == [
        'network "edge" on h2: gateway_mode_ipv4 needs Docker Engine 27.0 (API 1.46) or later; '
        'this host runs 20.10.24 (API 1.41)',
        'network "v6" on h2: gateway_mode_ipv6 needs Docker Engine 27.0 (API 1.46) or later; '
        'this host runs 20.10.24 (API 1.41)']
    assert daemon.networks == []


def test_nat_is_what_every_engine_does_and_is_accepted_on_20_10():
    daemon = engine_20()
    outcome = run(daemon, config=[dict(EDGE, gateway_mode_ipv4='nat')])
    assert not outcome.failed and daemon.network('edge')['Options'] == {}
    # GET /version is not read when nothing needs a newer engine.
    assert 'version' not in daemon.call_names()


def test_a_gateway_mode_of_28_0_on_27_names_the_value():
    daemon = FakeDocker(api_version='1.47', engine_version='27.5.1', host='h2')
    outcome = run(daemon, config=[dict(EDGE, gateway_mode_ipv4='nat-unprotected')])
    assert outcome.result['msg'] == (
        'network "edge" on h2: gateway_mode_ipv4 "nat-unprotected" needs Docker Engine 28.0 (API 1.48) or later; '
        'this host runs 27.5.1 (API 1.47); nothing was changed')
    assert run(daemon, config=[EDGE]).result['changed'] is True


def test_isolated_needs_an_internal_network():
    outcome = run(None, state='rendered', config=[dict(EDGE, gateway_mode_ipv4='isolated')])
    assert outcome.result['msg'] == (
        'network "edge" on %s: gateway_mode_ipv4 isolated needs internal: true (Docker: "gateway mode \'isolated\' '
        'can only be used for an internal network"); nothing was changed' % runner.this_host())
    internal = run(None, state='rendered', config=[dict(EDGE, gateway_mode_ipv4='isolated', internal=True)])
    assert internal.result['rendered'][0]['Options'] == {GATEWAY_V4: 'isolated'}


V6ONLY = dict(name='v6only', enable_ipv4=False, enable_ipv6=True, subnets=[dict(subnet='fd97:1::/64')])


def test_an_ipv6_only_network_sends_enable_ipv4_false_and_others_do_not_send_it():
    v6only, plain = run(None, state='rendered', config=[V6ONLY, dict(name='plain')]).result['rendered']
    assert v6only['EnableIPv4'] is False and v6only['EnableIPv6'] is True
    assert 'EnableIPv4' not in plain


def test_an_ipv6_only_network_is_created_then_left_alone_on_28():
    daemon = engine_28()
    assert run(daemon, config=[V6ONLY]).result['changed'] is True
    assert daemon.network('v6only')['EnableIPv4'] is False
    second = run(daemon, state='replaced', config=[V6ONLY])
    assert second.result['changed'] is False
    assert 'after' not in second.result and second.result['before'][0]['enable_ipv4'] is False


def test_enable_ipv4_false_on_20_10_fails_and_true_is_what_it_does_anyway():
    daemon = engine_20()
    outcome = run(daemon, config=[V6ONLY])
    assert outcome.result['msg'] == (
        'network "v6only" on h2: enable_ipv4 needs Docker Engine 28.0 (API 1.48) or later; '
        'this host runs 20.10.24 (API 1.41); nothing was changed')
    assert daemon.networks == []
    daemon.networks.append(docker_network('lan', subnets=['10.97.2.0/24']))  # no EnableIPv4 before 28.0
    assert run(daemon, state='replaced', config=[dict(name='lan', enable_ipv4=True,
                                                      subnets=[dict(subnet='10.97.2.0/24')])]).result['changed'] is False


def test_an_ipv6_only_network_needs_ipv6_and_no_ipv4_subnet():
    outcome = run(None, state='rendered', config=[dict(name='noip', enable_ipv4=False),
                                                  dict(V6ONLY, subnets=[dict(subnet='10.97.3.0/24'), dict(subnet='fd97:3::/64')])])
    assert sorted(outcome.result['errors']) == sorted([
        'network "noip" on %s: enable_ipv4 is false, so the network needs enable_ipv6: true (Docker: "IPv4 or IPv6 '
        'must be enabled")' % runner.this_host(),
        'network "v6only" on %s: enable_ipv4 is false but an IPv4 subnet is given' % runner.this_host()])


def test_turning_ipv4_off_does_not_carry_the_old_ipv4_pool_into_the_new_network():
    daemon = engine_28()
    daemon.networks.append(docker_network('v6only', subnets=['172.30.0.0/16', 'fd97:1::/64'], EnableIPv6=True,
                                          EnableIPv4=True))
    outcome = run(daemon, config=[V6ONLY])
    assert outcome.result['actions'][0]['differences'] == ['subnets', 'enable_ipv4']
    network = daemon.network('v6only')
    assert [pool['Subnet'] for pool in network['IPAM']['Config']] == ['fd97:1::/64']
    assert network['EnableIPv4'] is False


TRUSTED = 'com.docker.network.bridge.trusted_host_interfaces'


def test_trusted_host_interfaces_are_a_set_kept_joined_by_colons():
    daemon = engine_28()
    config = [dict(name='lan', trusted_host_interfaces=['eth1', 'eth0', 'eth1'])]
    assert run(daemon, config=config).result['changed'] is True
    assert daemon.network('lan')['Options'] == {TRUSTED: 'eth0:eth1'}
    assert run(daemon, config=config).result['changed'] is False
    daemon.networks.append(docker_network('cli', options={TRUSTED: 'eth1:eth0'}))
    assert run(daemon, config=[dict(name='cli', trusted_host_interfaces=['eth0', 'eth1'])]).result['changed'] is False
    # An empty list is the option not set: nothing to send, nothing to gate.
    assert run(None, state='rendered', config=[dict(name='x', trusted_host_interfaces=[])]).result['rendered'][0]['Options'] == {}


def test_trusted_host_interfaces_need_28_2_and_plain_interface_names():
    daemon = FakeDocker(api_version='1.49', engine_version='28.1.1', host='h2')
    outcome = run(daemon, config=[dict(name='lan', trusted_host_interfaces=['eth0'])])
    assert outcome.result['msg'] == (
        'network "lan" on h2: trusted_host_interfaces needs Docker Engine 28.2 (API 1.50) or later; '
        'this host runs 28.1.1 (API 1.49); nothing was changed')
    bad = run(None, state='rendered', config=[dict(name='lan', trusted_host_interfaces=['a:b', 'x' * 16])])
    assert len(bad.result['errors']) == 2
    assert 'trusted_host_interfaces "a:b": Docker keeps the names joined by ":"' in bad.result['errors'][0]
    assert 'Linux allows link names of at most 15 characters' in bad.result['errors'][1]


def test_host_addresses_are_sent_checked_by_family_and_gated():
    rendered = run(None, state='rendered', config=[dict(name='lan', host_ipv4='10.231.0.11', host_ipv6='fd00::11',
                                                        enable_ipv6=True)]).result['rendered'][0]
    assert rendered['Options'] == {'com.docker.network.host_ipv4': '10.231.0.11', 'com.docker.network.host_ipv6': 'fd00::11'}
    bad = run(None, state='rendered', config=[dict(name='lan', host_ipv4='fd00::1', host_ipv6='10.0.0.1')])
    assert [line.split(': ', 1)[1] for line in bad.result['errors']] == [
        'host_ipv4 fd00::1 is not an IPv4 address', 'host_ipv6 10.0.0.1 is not an IPv6 address']
    daemon = engine_20()
    assert run(daemon, config=[dict(name='lan', host_ipv4='10.231.0.11')]).result['changed'] is True
    assert run(daemon, config=[dict(name='lan', host_ipv4='10.231.0.11')]).result['changed'] is False
    outcome = run(daemon, config=[dict(name='lan6', host_ipv6='fd00::11', enable_ipv6=True)])
    assert outcome.result['msg'].startswith('network "lan6" on h2: host_ipv6 needs Docker Engine 25.0 (API 1.44) or later; '
                                            'this host runs 20.10.24 (API 1.41)')


def test_a_recreate_for_another_reason_keeps_the_network_ipv6_only_and_routed():
    daemon = engine_28()
    daemon.networks.append(docker_network('v6only', subnets=['fd97:1::/64'], EnableIPv6=True, EnableIPv4=False,
                                          options={GATEWAY_V6: 'routed'}))
    outcome = run(daemon, config=[dict(name='v6only', labels=dict(team='edge'))])
    assert outcome.result['actions'][0]['differences'] == ['labels']
    network = daemon.network('v6only')
    assert network['EnableIPv4'] is False and network['Options'] == {GATEWAY_V6: 'routed'}
    assert [pool['Subnet'] for pool in network['IPAM']['Config']] == ['fd97:1::/64']
