# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recreate's roll-back and the journal's recovery, against the shared fake daemon (docs/safety.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.apply import Applier
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import DYNAMIC_MARK
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.recreate import Recreate
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, attachment, container, docker_network


class IccBridge(Driver):
    driver = 'bridge'
    options = dict(enable_icc=DriverOption('com.docker.network.bridge.enable_icc', 'bool', default=True))


SPEC = IccBridge()


def lan(api_version='1.41'):
    network = docker_network('lan', ['10.1.0.0/24'], gateway='10.1.0.1')
    static = container('static', {'lan': attachment(network, '10.1.0.5', ['web'])})
    dynamic = container('dynamic', {'lan': attachment(network, '10.1.0.7', [], static=False)})
    stopped = container('stopped', {'lan': attachment(network, '10.1.0.9', ['old'])}, running=False)
    return FakeDocker(networks=[network], containers=[static, dynamic, stopped], api_version=api_version), network


def recreate_icc_off(daemon, journal):
    items, problems = plan(CurrentState(daemon, SPEC), 'merged', [normalise_desired(SPEC, dict(name='lan', enable_icc=False))])
    assert problems == [] and items[0].action == 'recreate'
    return Applier(daemon, SPEC, journal=journal).apply(items)


def attached(daemon, network_name='lan'):
    network = daemon.network(network_name)
    return sorted(item['Name'].lstrip('/') for item in daemon.containers
                  if any(settings['NetworkID'] == network['Id'] for settings in item['NetworkSettings']['Networks'].values()))


def test_a_recreate_keeps_the_dynamic_address_marked_as_dynamic_and_leaves_no_journal(tmp_path):
    daemon, _network = lan()
    journal = Journal('k', root=str(tmp_path))
    recreate_icc_off(daemon, journal)
    assert attached(daemon) == ['dynamic', 'static', 'stopped']
    assert daemon.call_names().count('connect_container') == 3
    connects = [call for call in daemon.calls if call[0] == 'connect_container']
    assert [call[3]['ipv4_address'] for call in connects] == ['10.1.0.7', '10.1.0.5', '10.1.0.9']
    assert journal.entries('bridge') == []


def test_a_refused_reconnect_puts_the_old_network_back_with_every_container(tmp_path):
    daemon, network = lan()
    journal = Journal('k', root=str(tmp_path))
    # Docker refuses "static" on the new network only: the restored one takes it back.
    daemon.fail('connect_container', 'Address already in use', when=lambda name, network_name, arguments: name == 'static')
    with pytest.raises(ModuleFailure) as failure:
        recreate_icc_off(daemon, journal)
    text = str(failure.value)
    assert 'network "lan" on h1: recreating it failed at connecting container "static" (Address already in use)' in text
    assert 'put back as it was, with its containers dynamic, static, stopped' in text
    assert failure.value.result()['changed'] is True
    restored = daemon.network('lan')
    assert restored['Id'] != network['Id'] and 'com.docker.network.bridge.enable_icc' not in restored['Options']
    assert restored['IPAM']['Config'][0]['Gateway'] == '10.1.0.1'
    assert attached(daemon) == ['dynamic', 'static', 'stopped']
    assert journal.entries('bridge') == []


def cut_after_remove(daemon, journal):
    """The daemon "dies" when the new network is to be created: the put-back cannot run either."""
    daemon.fail('create_network', 'connection reset by peer', times=2)
    with pytest.raises(ModuleFailure):
        recreate_icc_off(daemon, journal)
    [entry] = journal.entries('bridge')
    return entry


def test_a_recreate_cut_off_after_the_remove_is_finished_by_the_next_run(tmp_path):
    daemon, network = lan()
    journal = Journal('k', root=str(tmp_path))
    entry = cut_after_remove(daemon, journal)
    assert entry['old']['id'] == network['Id'] and entry['new_id'] is None
    assert daemon.network('lan') is None and attached_nowhere(daemon)
    recreate = Recreate(daemon, SPEC, journal)
    assert recreate.recover(entry, daemon.list_networks(), check_mode=True)['action'] == 'recovered'
    assert daemon.network('lan') is None  # check mode changes nothing
    report = recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert 'finished' in report['reason'] and report['containers']['restored'] == ['dynamic', 'static', 'stopped']
    assert daemon.network('lan')['Options']['com.docker.network.bridge.enable_icc'] == 'false'
    assert attached(daemon) == ['dynamic', 'static', 'stopped']
    dynamic = daemon.container('dynamic')['NetworkSettings']['Networks']['lan']
    assert dynamic['IPAddress'] == '10.1.0.7'
    assert journal.entries('bridge') == []


def attached_nowhere(daemon):
    return all(not item['NetworkSettings']['Networks'] for item in daemon.containers)


def test_a_recreate_cut_off_before_the_remove_is_rolled_back_and_stopped_containers_restarted(tmp_path):
    daemon, network = lan()
    journal = Journal('k', root=str(tmp_path))
    daemon.fail('remove_network', 'connection reset by peer')
    daemon.fail('connect_container', 'connection reset by peer')
    with pytest.raises(ModuleFailure):
        recreate_icc_off(daemon, journal)
    [entry] = journal.entries('bridge')
    assert attached_nowhere(daemon)
    # The daemon was killed: it stopped the running containers on its way down.
    daemon.container('static')['State']['Running'] = False
    report = Recreate(daemon, SPEC, journal).recover(entry, daemon.list_networks(), check_mode=False)
    assert 'rolled back' in report['reason'] and report['containers']['started'] == ['static']
    assert daemon.network('lan')['Id'] == network['Id'] and attached(daemon) == ['dynamic', 'static', 'stopped']
    assert daemon.container('static')['State']['Running'] and not daemon.container('stopped')['State']['Running']
    assert journal.entries('bridge') == []


def test_the_dynamic_mark_travels_as_an_endpoint_driver_option(tmp_path):
    daemon, _network = lan()
    recreate_icc_off(daemon, Journal('k', root=str(tmp_path)))
    # FakeDocker keeps no driver options: look at what was sent.
    assert DYNAMIC_MARK == 'fleetnet.docker.dynamic_address'
