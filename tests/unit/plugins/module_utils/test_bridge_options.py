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
        runner.run_network_module(FakeModule(**params), BridgeWithoutHostReads(), connect=lambda module: daemon)
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
