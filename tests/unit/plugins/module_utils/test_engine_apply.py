# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The apply paths of the network engine and the state runner, against the shared fake daemon.

What the fake daemon holds afterwards is what is asserted: networks, their settings, and which
container is attached where with which address and aliases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._engine import runner
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.apply import Applier
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, attachment, container, docker_network


class SmallBridge(Driver):
    driver = 'bridge'
    options = dict(mtu=DriverOption('com.docker.network.driver.mtu', 'int'))


SPEC = SmallBridge()


def desired(**item):
    return normalise_desired(SPEC, item)


def planned_and_applied(daemon, state, configs):
    items, problems = plan(CurrentState(daemon, SPEC), state, configs)
    assert problems == []
    return Applier(daemon, SPEC).apply(items)


def endpoint_on(daemon, container_name, network_name):
    return daemon.container(container_name)['NetworkSettings']['Networks'].get(network_name)


def lan_with_two_containers(api_version='1.41'):
    """lan (10.1.0.0/24, label v=1) with "static" at 10.1.0.5 (alias web) and "dynamic" at 10.1.0.7."""
    lan = docker_network('lan', ['10.1.0.0/24'], labels={'v': '1'})
    static = container('static', {'lan': attachment(lan, '10.1.0.5', ['web'], mac='02:42:0a:01:00:05')})
    dynamic = container('dynamic', {'lan': attachment(lan, '10.1.0.7', [], static=False)})
    return FakeDocker(networks=[lan], containers=[static, dynamic], api_version=api_version), lan


def test_create_makes_the_network_and_connects_the_listed_containers():
    daemon = FakeDocker(containers=[container('web')])
    done = planned_and_applied(daemon, 'merged', [desired(
        name='lan', mtu=1400, subnets=[dict(subnet='10.1.0.0/24')],
        containers=[dict(name='web', aliases=['www'], ipv4_address='10.1.0.10')])])
    network = daemon.network('lan')
    assert network['Options'] == {'com.docker.network.driver.mtu': '1400'}
    # The target makes the gateway Docker would pick explicit, and it is sent as such.
    assert network['IPAM']['Config'] == [dict(Subnet='10.1.0.0/24', Gateway='10.1.0.1')]
    settings = endpoint_on(daemon, 'web', 'lan')
    assert settings['IPAMConfig'] == dict(IPv4Address='10.1.0.10') and 'www' in settings['Aliases']
    assert done == [dict(name='lan', action='created', differences=[], containers=dict(connected=['web']))]


def test_delete_removes_only_the_listed_network():
    daemon = FakeDocker(networks=[docker_network('old', ['10.1.0.0/24']), docker_network('keep', ['10.2.0.0/24'])])
    done = planned_and_applied(daemon, 'deleted', [desired(name='old'), desired(name='absent')])
    assert [network['Name'] for network in daemon.networks] == ['keep']
    assert done == [dict(name='old', action='deleted', differences=[])]


def test_recreate_reconnects_every_container_with_its_addresses_and_aliases():
    daemon, lan = lan_with_two_containers(api_version='1.44')
    done = planned_and_applied(daemon, 'merged', [desired(name='lan', labels={'v': '2'})])
    network = daemon.network('lan')
    assert network['Id'] != lan['Id'] and network['Labels'] == {'v': '2'}
    static = endpoint_on(daemon, 'static', 'lan')
    assert static['NetworkID'] == network['Id']
    assert static['IPAMConfig'] == dict(IPv4Address='10.1.0.5') and 'web' in static['Aliases']
    # From API 1.44 the MAC address goes back with the endpoint.
    assert static['MacAddress'] == '02:42:0a:01:00:05'
    # A dynamic address that still fits is asked for again, so peers that cached it keep reaching it.
    assert endpoint_on(daemon, 'dynamic', 'lan')['IPAddress'] == '10.1.0.7'
    assert done == [dict(name='lan', action='recreated', differences=['labels'],
                         containers=dict(restored=['dynamic', 'static']))]
    assert daemon.call_names().index('remove_network') > daemon.call_names().index('disconnect_container')


def test_recreate_whose_create_fails_puts_the_old_network_back_with_its_containers():
    daemon, lan = lan_with_two_containers()
    daemon.fail('create_network', 'invalid pool request')
    with pytest.raises(ModuleFailure) as failure:
        planned_and_applied(daemon, 'merged', [desired(name='lan', labels={'v': '2'})])
    assert str(failure.value).startswith('network "lan" on h1: recreating it failed at creating the new network '
                                         '(invalid pool request); the network was put back as it was, with its '
                                         'containers dynamic, static')
    network = daemon.network('lan')
    assert network['Labels'] == {'v': '1'} and network['IPAM']['Config'][0]['Subnet'] == '10.1.0.0/24'
    assert endpoint_on(daemon, 'static', 'lan')['IPAMConfig'] == dict(IPv4Address='10.1.0.5')
    assert 'web' in endpoint_on(daemon, 'static', 'lan')['Aliases']
    assert endpoint_on(daemon, 'dynamic', 'lan')['IPAddress'] == '10.1.0.7'
    # The old network was made again (a new ID): that is a change.
    assert failure.value.not_done == ['lan'] and failure.value.done[0]['action'] == 'put back'


def test_recreate_that_docker_refuses_to_remove_leaves_the_network_with_its_containers():
    daemon, lan = lan_with_two_containers()
    daemon.fail('remove_network', 'network lan is in use by task x on another node')
    with pytest.raises(ModuleFailure) as failure:
        planned_and_applied(daemon, 'merged', [desired(name='lan', labels={'v': '2'})])
    assert 'cannot be recreated, Docker refused to remove it (network lan is in use' in str(failure.value)
    assert daemon.network('lan')['Id'] == lan['Id']
    assert endpoint_on(daemon, 'static', 'lan')['NetworkID'] == lan['Id']
    assert endpoint_on(daemon, 'dynamic', 'lan')['NetworkID'] == lan['Id']


def test_a_failure_half_way_says_what_was_done_and_what_was_not():
    daemon = FakeDocker(networks=[docker_network('old', ['10.1.0.0/24'])])
    daemon.fail('create_network', 'no available address pools', when=lambda name: name == 'b')
    items, problems = plan(CurrentState(daemon, SPEC), 'overridden', [desired(name='a'), desired(name='b')])
    with pytest.raises(ModuleFailure) as failure:
        Applier(daemon, SPEC).apply(items)
    error = failure.value
    assert [entry['name'] for entry in error.done] == ['old', 'a']
    assert error.not_done == ['b']
    result = error.result()
    assert result['changed'] is True and result['actions'] == error.done
    assert result['msg'] == ('create_network on h1 failed: no available address pools '
                             '(after network "old" was deleted, network "a" was created)')


class ModuleExit(Exception):
    def __init__(self, failed, result):
        super(ModuleExit, self).__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class FakeModule:
    """Just enough of AnsibleModule for the runner: parameters, check/diff mode, exit and fail."""

    def __init__(self, check_mode=False, diff=False, **params):
        self.params = dict(state='merged', recreate='auto', config=None)
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **result):
        raise ModuleExit(False, result)

    def fail_json(self, **result):
        raise ModuleExit(True, result)


def run(daemon, **params):
    with pytest.raises(ModuleExit) as outcome:
        run_module(FakeModule(**params), runner.run_state, SPEC, lambda module: daemon)
    return outcome.value


def test_runner_in_check_mode_plans_without_changing_anything():
    daemon = FakeDocker()
    outcome = run(daemon, check_mode=True, diff=True, config=[dict(name='lan', mtu=1400)])
    assert not outcome.failed and outcome.result['changed'] is True
    assert outcome.result['after'] == [dict(name='lan', mtu=1400, enable_ipv6=False, internal=False, attachable=False,
                                            labels={}, driver_opts={})]
    assert outcome.result['diff'][0]['before'] == '' and outcome.result['diff'][0]['after']['name'] == 'lan'
    assert 'create_network' not in daemon.call_names() and daemon.networks == []


def test_runner_applies_and_then_reports_no_change():
    daemon = FakeDocker()
    first = run(daemon, config=[dict(name='lan', mtu=1400)])
    assert first.result['changed'] is True and daemon.network('lan') is not None
    second = run(daemon, config=[dict(name='lan', mtu=1400)])
    assert second.result['changed'] is False
    assert second.result['actions'] == [dict(name='lan', action='unchanged', differences=[])]


def test_runner_reports_every_problem_at_once_and_changes_nothing():
    daemon = FakeDocker(networks=[docker_network('other', driver='macvlan')])
    outcome = run(daemon, config=[dict(name='other'), dict(name='lan', containers=[dict(name='ghost')])])
    assert outcome.failed and outcome.result['changed'] is False
    assert outcome.result['msg'].startswith('2 problems, nothing was changed: ')
    assert 'network "lan" on h1: containers[0].name no container named "ghost" exists on this host' in \
        outcome.result['errors']
    assert 'create_network' not in daemon.call_names()


def test_runner_fails_once_with_changed_and_the_actions_done():
    daemon = FakeDocker(networks=[docker_network('old')])
    daemon.fail('create_network', 'no available address pools')
    outcome = run(daemon, state='overridden', config=[dict(name='new')])
    assert outcome.failed and outcome.result['changed'] is True
    assert outcome.result['actions'] == [dict(name='old', action='deleted', differences=[])]
    assert outcome.result['not_done'] == ['new']


def test_update_reconnects_a_container_whose_aliases_change_and_connects_a_new_one():
    daemon, lan = lan_with_two_containers()
    daemon.containers.append(container('new'))
    done = planned_and_applied(daemon, 'merged', [desired(name='lan', containers=[
        dict(name='static', aliases=['api']), dict(name='new', ipv4_address='10.1.0.20')])])
    assert daemon.network('lan')['Id'] == lan['Id']
    assert set(['web', 'api']) <= set(endpoint_on(daemon, 'static', 'lan')['Aliases'])
    assert endpoint_on(daemon, 'static', 'lan')['IPAMConfig'] == dict(IPv4Address='10.1.0.5')
    assert endpoint_on(daemon, 'new', 'lan')['IPAMConfig'] == dict(IPv4Address='10.1.0.20')
    assert endpoint_on(daemon, 'dynamic', 'lan') is not None
    assert done == [dict(name='lan', action='updated', differences=['containers'],
                         containers=dict(connected=['new'], reconnected=['static'],
                                         changes=dict(static=["aliases: ['web'] -> ['api', 'web']"])))]


def test_a_swarm_network_is_waited_for_until_this_node_no_longer_shows_it():
    daemon = FakeDocker(networks=[docker_network('app', scope='swarm')])
    planned_and_applied(daemon, 'deleted', [desired(name='app')])
    assert daemon.call_names()[-1] == 'inspect_network' and daemon.networks == []


def test_a_swarm_network_that_stays_is_reported_after_the_timeout():
    daemon = FakeDocker(networks=[docker_network('app', scope='swarm')])
    network = daemon.network('app')
    # The manager removed it, but this node keeps showing it.
    daemon.remove_network = lambda ident, name: None
    clock = iter(range(0, 100, 10))
    items, problems = plan(CurrentState(daemon, SPEC), 'deleted', [desired(name='app')])
    with pytest.raises(ModuleFailure) as failure:
        Applier(daemon, SPEC, sleep=lambda seconds: None, clock=lambda: next(clock)).apply(items)
    assert str(failure.value) == (
        'network "app" on h1: still present 30 seconds after it was removed: Docker takes a swarm network off a node '
        'once the manager has removed it, and it did not here within that time; run again to finish')
    assert daemon.network('app') == network


def test_a_network_docker_removed_by_itself_after_the_listing_is_deleted_not_a_failure():
    """ingress right after its last service, a swarm network leaving a worker: gone when the delete runs."""
    from ansible_collections.fleetnet.docker.plugins.module_utils._client_errors import DockerAPIError
    daemon = FakeDocker(networks=[docker_network('old', ['10.1.0.0/24'])])
    items, problems = plan(CurrentState(daemon, SPEC), 'deleted', [desired(name='old')])
    daemon.networks = []

    def already_gone(ident, name):
        raise DockerAPIError('removing network "%s" on h1 failed: network %s not found' % (name, ident),
                             explanation='network %s not found' % ident, status_code=404)
    daemon.remove_network = already_gone
    assert problems == [] and Applier(daemon, SPEC).apply(items) == [dict(name='old', action='deleted', differences=[])]


def test_another_refusal_of_a_delete_still_fails():
    from ansible_collections.fleetnet.docker.plugins.module_utils._client_errors import DockerAPIError
    daemon = FakeDocker(networks=[docker_network('old', ['10.1.0.0/24'])])
    items, _problems = plan(CurrentState(daemon, SPEC), 'deleted', [desired(name='old')])

    def refused(ident, name):
        raise DockerAPIError('removing network "old" on h1 failed: error while removing network: has active endpoints',
                             explanation='has active endpoints', status_code=403)
    daemon.remove_network = refused
    with pytest.raises(DockerAPIError):
        Applier(daemon, SPEC).apply(items)


def test_an_empty_overridden_is_refused_unless_asked_for():
    daemon = FakeDocker(networks=[docker_network('old')])
    outcome = run(daemon, state='overridden', config=[])
    assert outcome.failed and outcome.result['changed'] is False
    assert outcome.result['msg'].startswith('bridge networks on ')
    assert 'config is empty; with state overridden that removes every one of them: set empty_config_deletes_all' \
        in outcome.result['msg']
    assert daemon.network('old') is not None
    outcome = run(daemon, state='overridden', config=None, empty_config_deletes_all=True)
    assert not outcome.failed and daemon.network('old') is None


def test_deleting_refuses_stopped_containers_too_naming_them():
    lan = docker_network('lan', ['10.1.0.0/24'])
    parked = container('parked', {'lan': attachment(lan, '10.1.0.5')}, running=False)
    daemon = FakeDocker(networks=[lan], containers=[parked])
    outcome = run(daemon, state='deleted', config=[dict(name='lan')])
    assert outcome.failed and outcome.result['errors'] == [
        'network "lan" on h1: containers parked (stopped) are still attached, so the network cannot be deleted; '
        'disconnect them first (a stopped container whose network is gone no longer starts)']
    assert daemon.network('lan') is not None


def test_the_runner_finishes_what_a_cut_off_run_left_in_the_journal(tmp_path, monkeypatch):
    from ansible_collections.fleetnet.docker.plugins.module_utils import _journal
    monkeypatch.setattr(_journal, 'JOURNAL_ROOT', str(tmp_path))
    none = docker_network('none', driver='null')
    lan = docker_network('lan', ['10.1.0.0/24'], gateway='10.1.0.1')
    web = container('web', {'lan': attachment(lan, '10.1.0.5', ['www'])})
    daemon = FakeDocker(networks=[none, lan], containers=[web])
    daemon.fail('create_network', 'connection reset by peer', times=2)  # the daemon "dies" mid-recreate
    assert run(daemon, config=[dict(name='lan', mtu=1400)]).failed
    assert daemon.network('lan') is None and not daemon.container('web')['NetworkSettings']['Networks']
    # The rerun's config does not list the container: the journal brings it back.
    outcome = run(daemon, config=[dict(name='lan', mtu=1400)])
    assert not outcome.failed and outcome.result['changed'] is True
    assert outcome.result['actions'][0]['action'] == 'recovered'
    assert endpoint_on(daemon, 'web', 'lan')['IPAMConfig'] == dict(IPv4Address='10.1.0.5')
    assert 'www' in endpoint_on(daemon, 'web', 'lan')['Aliases']
    assert daemon.network('lan')['Options']['com.docker.network.driver.mtu'] == '1400'
    assert run(daemon, config=[dict(name='lan', mtu=1400)]).result['changed'] is False
