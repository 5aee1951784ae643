# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoint options of ``containers`` entries (mac_address, gw_priority, interface_name, driver_opts):
version gates, what a connect sends, comparison, reconnects, and recreates keeping them.

Against the shared fake daemon; what it holds afterwards (and the calls it got) is asserted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._engine import endpoint_options
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.apply import Applier
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import static_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, attachment, container, docker_network

SYSCTL = {endpoint_options.SYSCTLS_OPTION: 'net.ipv4.conf.IFNAME.log_martians=1'}
ALL_OPTIONS = dict(mac_address='02:42:0A:60:01:0A', gw_priority=10, interface_name='blue', driver_opts=SYSCTL)


class IccBridge(Driver):
    driver = 'bridge'
    options = dict(enable_icc=DriverOption('com.docker.network.bridge.enable_icc', 'bool', default=True))


SPEC = IccBridge()


def edge(**container_options):
    return normalise_desired(SPEC, dict(name='edge', subnets=[dict(subnet='10.96.1.0/24')],
                                        containers=[dict(dict(name='web'), **container_options)]))


def new_daemon(api_version, engine_version, networks=(), containers=None):
    return FakeDocker(networks=networks, containers=containers or [container('web')], api_version=api_version,
                      engine_version=engine_version, host='h2')


def planned(daemon, state, configs):
    return plan(CurrentState(daemon, SPEC), state, configs)


def settings_of(daemon, name='web', network='edge'):
    return daemon.container(name)['NetworkSettings']['Networks'][network]


def test_on_docker_20_10_each_option_fails_naming_the_version_it_needs_and_nothing_is_called():
    daemon = new_daemon('1.41', '20.10.24')
    _items, problems = planned(daemon, 'merged', [edge(**ALL_OPTIONS)])
    messages = str(ModuleFailure(problems=problems, host='h2'))
    assert ('network "edge" on h2: containers[0].gw_priority needs Docker Engine 28.0 (API 1.48) or later; '
            'this host runs 20.10.24 (API 1.41)') in messages
    assert 'containers[0].mac_address needs Docker Engine 25.0 (API 1.44) or later; this host runs 20.10.24' in messages
    assert 'containers[0].interface_name needs Docker Engine 28.0 (API 1.48) or later' in messages
    assert ('containers[0].driver_opts.com.docker.network.endpoint.sysctls needs Docker Engine 27.0 (API 1.46) '
            'or later') in messages
    assert len(problems) == 4
    assert 'create_network' not in daemon.call_names() and 'connect_container' not in daemon.call_names()


def test_gw_priority_0_and_plain_driver_opts_pass_on_every_engine():
    _items, problems = planned(new_daemon('1.41', '20.10.24'), 'merged', [edge(gw_priority=0, driver_opts={'k': 'v'})])
    assert problems == []


def test_on_docker_26_1_mac_address_is_checked_and_gw_priority_refused():
    _items, problems = planned(new_daemon('1.45', '26.1.5'), 'merged', [edge(mac_address='02:42:0a:60:01:0a', gw_priority=5)])
    assert sorted(problem[1] for problem in problems) == ['containers[0].gw_priority', 'containers[0].mac_address']


def test_mac_address_passes_when_the_container_has_it_and_is_refused_otherwise_before_any_change():
    daemon = lan_with_web()
    items, problems = planned(daemon, 'replaced', [edge(mac_address='02:42:0A:60:01:0A')])
    assert problems == [] and [item.action for item in items] == ['unchanged']
    _items, problems = planned(daemon, 'merged', [edge(mac_address='02:42:0a:60:01:0b', gw_priority=3)])
    assert str(ModuleFailure(problems=problems, host='h2')) == (
        'network "edge" on h2: containers[0].mac_address 02:42:0a:60:01:0b: container "web" has 02:42:0a:60:01:0a '
        'there, and Docker Engine 28.5.2 does not apply a MAC address on connect; set it when the container is '
        'created (docker run --network name=edge,mac-address=02:42:0a:60:01:0b); nothing was changed')
    assert 'connect_container' not in daemon.call_names() and 'disconnect_container' not in daemon.call_names()


def test_a_new_attachment_sends_every_option_and_a_second_run_changes_nothing():
    daemon = new_daemon('1.51', '28.5.2')
    options = dict(gw_priority=10, interface_name='blue', driver_opts=SYSCTL)
    items, problems = planned(daemon, 'merged', [edge(**options)])
    assert problems == []
    Applier(daemon, SPEC).apply(items)
    sent = [call for call in daemon.calls if call[0] == 'connect_container'][0][3]
    assert sent['gw_priority'] == 10
    assert sent['driver_opts'] == dict(SYSCTL, **{endpoint_options.INTERFACE_OPTION: 'blue'})
    assert settings_of(daemon)['GwPriority'] == 10
    again, problems = planned(daemon, 'merged', [edge(**options)])
    assert problems == [] and [item.action for item in again] == ['unchanged']
    # replaced compares the same fields the same way
    again, problems = planned(daemon, 'replaced', [edge(**options)])
    assert problems == [] and [item.action for item in again] == ['unchanged']


def lan_with_web(api_version='1.51', engine_version='28.5.2', **endpoint):
    network = docker_network('edge', ['10.96.1.0/24'], gateway='10.96.1.1')
    settings = attachment(network, '10.96.1.10', ['www'], mac='02:42:0a:60:01:0a')
    settings.update(endpoint)
    return new_daemon(api_version, engine_version, [network], [container('web', {'edge': settings})])


def test_a_changed_gw_priority_reconnects_the_container_and_says_what_changed():
    daemon = lan_with_web(GwPriority=0)
    items, problems = planned(daemon, 'merged', [edge(gw_priority=10)])
    assert problems == [] and items[0].action == 'update'
    report = items[0].report()
    assert report['containers'] == dict(reconnected=['web'], changes=dict(web=['gw_priority: 0 -> 10']))
    assert items[0].diff()['prepared'] == ('network "edge": container "web" is disconnected and connected again: '
                                           'gw_priority: 0 -> 10')
    Applier(daemon, SPEC).apply(items)
    assert daemon.call_names()[-2:] == ['disconnect_container', 'connect_container']
    now = settings_of(daemon)
    # The reconnect keeps what was not asked to change: address, alias, MAC address (the fake applies
    # a MAC address on connect on every API; Docker does from 1.54, the fleet tests show both).
    assert (now['GwPriority'], now['IPAddress'], now['MacAddress']) == (10, '10.96.1.10', '02:42:0a:60:01:0a')
    assert 'www' in now['Aliases']


def test_interface_name_compares_with_the_name_the_kernel_gave_when_none_was_asked_for():
    current = dict(interface_name=None, interface='eth1', gw_priority=0, driver_opts={}, mac_address=None)
    _wanted, changes = endpoint_options.wanted_options(dict(interface_name='eth1'), current, exact=False)
    assert changes == []
    _wanted, changes = endpoint_options.wanted_options(dict(interface_name='blue'), current, exact=False)
    assert changes == [('interface_name', 'eth1', 'blue')]


def test_driver_opts_merge_under_merged_and_are_exact_under_replaced():
    daemon = lan_with_web(DriverOpts={'keep': '1', endpoint_options.INTERFACE_OPTION: 'blue'})
    items, _problems = planned(daemon, 'merged', [edge(driver_opts={'keep': '1'})])
    assert items[0].action == 'unchanged'  # the interface name is not one of driver_opts
    items, _problems = planned(daemon, 'replaced', [edge(driver_opts={'other': '2'})])
    assert items[0].report()['containers']['changes'] == dict(web=["driver_opts: {'keep': '1'} -> {'other': '2'}"])
    Applier(daemon, SPEC).apply(items)
    # The interface name it had is kept: it is part of the endpoint, not of what replaced was given.
    assert settings_of(daemon)['DriverOpts'] == {'other': '2', endpoint_options.INTERFACE_OPTION: 'blue'}


def test_a_recreate_and_its_journal_keep_every_endpoint_option(tmp_path):
    opts = dict(SYSCTL, **{endpoint_options.INTERFACE_OPTION: 'blue'})
    daemon = lan_with_web(GwPriority=10, DriverOpts=opts)
    journal = Journal('k', root=str(tmp_path))
    items, problems = planned(daemon, 'merged', [normalise_desired(SPEC, dict(name='edge', enable_icc=False))])
    assert problems == [] and items[0].action == 'recreate'
    written = []
    original = journal.write

    def keep_copy(entry):
        written.append(json.loads(json.dumps(entry)))
        original(entry)
    journal.write = keep_copy
    Applier(daemon, SPEC, journal=journal).apply(items)
    endpoint = written[0]['endpoints'][0]
    assert (endpoint['gw_priority'], endpoint['interface_name'], endpoint['mac_address']) == (10, 'blue', '02:42:0a:60:01:0a')
    assert endpoint['driver_opts'] == SYSCTL
    now = settings_of(daemon)
    assert now['GwPriority'] == 10 and now['MacAddress'] == '02:42:0a:60:01:0a'
    assert now['DriverOpts'][endpoint_options.INTERFACE_OPTION] == 'blue'
    assert now['DriverOpts'][endpoint_options.SYSCTLS_OPTION] == SYSCTL[endpoint_options.SYSCTLS_OPTION]
    assert journal.entries('bridge') == []


def test_a_recreate_on_docker_20_10_sends_none_of_the_newer_fields():
    daemon = lan_with_web(api_version='1.41', engine_version='20.10.24')
    items, _problems = planned(daemon, 'merged', [normalise_desired(SPEC, dict(name='edge', enable_icc=False))])
    Applier(daemon, SPEC).apply(items)
    sent = [call for call in daemon.calls if call[0] == 'connect_container'][0][3]
    assert sent['gw_priority'] is None and sent['mac_address'] is None


@pytest.mark.parametrize('options, field, reason', [
    (dict(mac_address='02:42:0a'), 'containers[0].mac_address', "'02:42:0a' is not a MAC address"),
    (dict(mac_address='03:42:0a:00:00:01'), 'containers[0].mac_address', '03:42:0a:00:00:01 is a multicast address'),
    (dict(interface_name='a-very-long-interface'), 'containers[0].interface_name', 'is 21 characters long'),
    (dict(interface_name='eth/1'), 'containers[0].interface_name', '"eth/1" is not a Linux interface name'),
    (dict(driver_opts={endpoint_options.INTERFACE_OPTION: 'x'}), 'containers[0].driver_opts',
     'key com.docker.network.endpoint.ifname is set with interface_name'),
    (dict(driver_opts={endpoint_options.DYNAMIC_MARK: 'ipv4'}), 'containers[0].driver_opts',
     'is set by fleetnet.docker itself'),
])
def test_input_problems_are_found_without_a_daemon(options, field, reason):
    problems = static_problems(SPEC, [edge(**options)])
    assert [problem[1] for problem in problems] == [field]
    assert reason in problems[0][2]


def test_from_docker_29_3_a_mac_address_is_applied_on_connect_reconnecting_the_container():
    """API 1.54 applies EndpointSettings.MacAddress on connect: a different MAC is a change like gw_priority."""
    daemon = lan_with_web(api_version='1.55', engine_version='29.7.2')
    items, problems = planned(daemon, 'merged', [edge(mac_address='02:42:0A:60:01:0B')])
    assert problems == [] and items[0].action == 'update'
    assert items[0].report()['containers'] == dict(
        reconnected=['web'], changes=dict(web=['mac_address: 02:42:0a:60:01:0a -> 02:42:0a:60:01:0b']))
    Applier(daemon, SPEC).apply(items)
    now = settings_of(daemon)
    assert (now['MacAddress'], now['IPAddress']) == ('02:42:0a:60:01:0b', '10.96.1.10') and 'www' in now['Aliases']
    again, problems = planned(daemon, 'merged', [edge(mac_address='02:42:0a:60:01:0b')])
    assert problems == [] and [item.action for item in again] == ['unchanged']


def test_from_docker_29_3_a_reconnect_for_another_option_keeps_the_mac_address():
    daemon = lan_with_web(api_version='1.55', engine_version='29.7.2', GwPriority=0)
    items, _problems = planned(daemon, 'merged', [edge(gw_priority=10)])
    Applier(daemon, SPEC).apply(items)
    assert settings_of(daemon)['MacAddress'] == '02:42:0a:60:01:0a'


def test_before_docker_29_3_a_pinned_older_api_keeps_mac_address_a_check():
    daemon = lan_with_web(api_version='1.51', engine_version='29.7.2')
    _items, problems = planned(daemon, 'merged', [edge(mac_address='02:42:0a:60:01:0b')])
    assert [problem[1] for problem in problems] == ['containers[0].mac_address']
