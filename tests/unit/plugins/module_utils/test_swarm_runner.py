# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm runner's paths on the shared fake daemon (tests/unit/fake_docker.py): pure logic, no daemon."""

import contextlib
import copy

import pytest

from ansible_collections.fleetnet.docker.tests.unit.fake_docker import SWARM_TOKEN as TOKEN, FakeDocker, swarm_state

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm import DEFAULT_SPEC
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_lock import HostLock, SwarmFailure, lock_path
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_runner import SwarmRunner


def daemon(state='inactive', control=False, join_error=None, join_leaves='pending', nodes=(), states_after_pending=()):
    """The shared fake daemon as this node (h2) in ``state``; a join fails with ``join_error``, leaving ``join_leaves``."""
    fake = FakeDocker(host='h2', swarm=swarm_state(state, control), nodes=nodes)
    fake.docker_host = 'unix:///run/docker.sock'
    fake.join_error, fake.join_leaves = join_error, join_leaves
    fake.states_after_pending = list(states_after_pending)
    fake.cluster['Spec'] = copy.deepcopy(DEFAULT_SPEC)
    return fake


class FakeModule:
    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self._diff = False
        self.params = dict(state='joined', remote_addrs=['10.0.0.1'], join_token=TOKEN, listen_addr='0.0.0.0:2377',
                           advertise_addr=None, data_path_addr=None, role='worker', force=False,
                           include_join_tokens=False, labels=None, labels_state='merged', raft=None,
                           default_addr_pool=None, subnet_size=None, data_path_port=None)
        self.params.update(params)
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


class Clock:
    """time.sleep for the runner: counts the seconds instead of waiting."""

    def __init__(self):
        self.slept = 0

    def __call__(self, seconds):
        self.slept += seconds


def run(engine, settle_seconds=0, **params):
    """The result the module reports: a failure as run_module gives it to fail_json, with ``failed``."""
    runner = SwarmRunner(FakeModule(**params), engine, settle_seconds=settle_seconds,
                         sleep=Clock(), lock=contextlib.nullcontext)
    try:
        return runner.run()
    except ModuleFailure as failure:
        return dict(failure.result(), failed=True)


def written(engine):
    return [entry[0] for entry in engine.writes()]


def manager_node(node_id, hostname, reachability='reachable', leader=False):
    return {'ID': node_id, 'Version': {'Index': 1}, 'Description': {'Hostname': hostname},
            'Spec': {'Role': 'manager', 'Availability': 'active', 'Labels': {}},
            'Status': {'State': 'ready', 'Addr': '10.0.0.%s' % node_id[-1]},
            'ManagerStatus': {'Reachability': reachability, 'Leader': leader}}


def test_every_state_has_an_explicit_handler():
    runner = SwarmRunner(FakeModule(), daemon(), lock=contextlib.nullcontext)
    assert sorted(runner.states) == ['absent', 'gathered', 'joined', 'node_absent', 'node_present', 'present']
    assert [locked for _handler, locked in (runner.states[s] for s in ('present', 'joined', 'absent'))] == [True] * 3


def test_join_from_no_swarm():
    engine = daemon()
    result = run(engine)
    assert result['changed'] and [a['action'] for a in result['actions']] == ['join']
    assert engine.writes() == [('join_swarm', {'remote_addrs': ['10.0.0.1'], 'join_token': TOKEN,
                                               'listen_addr': '0.0.0.0:2377', 'advertise_addr': None,
                                               'data_path_addr': None})]
    assert result['after']['local_node_state'] == 'active'


def test_join_in_check_mode_writes_nothing():
    engine = daemon()
    result = run(engine, check_mode=True)
    assert result['changed'] and engine.writes() == []


def test_a_node_in_the_same_swarm_is_left_alone():
    engine = daemon(state='active')
    result = run(engine)
    assert not result['changed'] and engine.writes() == []


def test_a_node_stuck_in_error_leaves_the_attempt_then_joins():
    engine = daemon(state='error')
    result = run(engine)
    assert written(engine) == ['leave_swarm', 'join_swarm']
    assert engine.writes()[0] == ('leave_swarm', {'force': True})
    assert [a['action'] for a in result['actions']] == ['leave', 'join']
    assert 'stuck in an unfinished join (swarm state "error", rpc error' in result['actions'][0]['reason']


def test_a_pending_join_that_finishes_while_waiting_is_no_change():
    engine = daemon(state='pending', states_after_pending=['pending', 'active'])
    result = run(engine, settle_seconds=30)
    assert not result['changed'] and engine.writes() == []


def test_a_join_that_fails_leaves_its_attempt_and_says_what_failed_without_the_token():
    engine = daemon(join_error='Timeout was reached before node joined.')
    result = run(engine)
    assert result['failed'] and result['changed']
    assert written(engine) == ['join_swarm', 'leave_swarm']
    assert engine.swarm['LocalNodeState'] == 'inactive'
    assert result['msg'].startswith('h2: joining the swarm at 10.0.0.1 failed: Timeout was reached')
    assert 'the unfinished join was left again' in result['msg']
    assert TOKEN not in repr(result)


def test_a_join_refused_although_it_finished_in_the_background_passes():
    engine = daemon(join_error='This node is already part of a swarm.', join_leaves='active')
    result = run(engine)
    assert 'failed' not in result and written(engine) == ['join_swarm']


def test_present_on_a_stuck_node_leaves_then_creates():
    engine = daemon(state='error')
    result = run(engine, state='present')
    assert written(engine) == ['leave_swarm', 'init_swarm']
    assert result['after']['role'] == 'manager'


def test_present_reports_a_refused_init():
    engine = daemon()
    engine.fail('init_swarm', 'must specify a listening address')
    result = run(engine, state='present')
    assert result['failed'] and result['msg'] == 'h2: initialising a swarm failed: must specify a listening address; nothing was created'


def test_absent_forces_leaving_a_stuck_join():
    engine = daemon(state='error')
    run(engine, state='absent')
    assert engine.writes() == [('leave_swarm', {'force': True})]


def test_tokens_on_a_node_in_no_swarm_fail_with_its_state():
    result = run(daemon(), state='gathered', include_join_tokens=True)
    assert result == {'failed': True, 'changed': False, 'actions': [],
                      'msg': 'h2: join tokens can only be read on a swarm manager; this node is not in a swarm (state inactive)'}


def test_a_demotion_that_loses_the_quorum_is_refused_before_any_change():
    nodes = [manager_node('n1', 'h1', leader=True), manager_node('n2', 'h2'), manager_node('n3', 'h3', 'unreachable')]
    engine = daemon(state='active', control=True, nodes=nodes)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['failed'] and engine.writes() == []
    assert 'node "h1" is not demoted: the 2 managers left would have 1 reachable (2 needed' in result['msg']
    assert 'unreachable: h3' in result['msg']


def test_a_demotion_that_keeps_the_quorum_is_made():
    nodes = [manager_node('n1', 'h1', leader=True), manager_node('n2', 'h2'), manager_node('n3', 'h3')]
    engine = daemon(state='active', control=True, nodes=nodes)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['changed'] and written(engine) == ['update_node']
    assert engine.writes()[0][1]['spec']['Role'] == 'worker'


def test_node_states_need_a_manager():
    result = run(daemon(state='active'), state='node_absent', node='h3')
    assert result['failed'] and 'this node is a swarm worker; state=node_absent needs a swarm manager' in result['msg']


def test_the_host_lock_is_exclusive(tmp_path):
    path = str(tmp_path / 'swarm.lock')
    with HostLock(path):
        with pytest.raises(SwarmFailure, match='another run has been changing the swarm membership'):
            with HostLock(path, seconds=0, sleep=Clock()):
                pass
    with HostLock(path, seconds=0):
        pass


def manager(nodes=(), managers=1):
    engine = daemon(state='active', control=True, nodes=nodes)
    engine.swarm['Managers'] = managers
    return engine


def test_the_lock_file_is_one_per_daemon():
    assert lock_path('unix:///var/run/docker.sock') == lock_path('unix:///var/run/docker.sock')
    assert lock_path('unix:///var/run/docker.sock') != lock_path('tcp://10.0.0.1:2376')
    assert 'fleetnet-docker-swarm-' in lock_path('unix:///var/run/docker.sock')


def test_gathered_on_a_manager_lists_the_nodes_and_the_tokens_only_when_asked():
    engine = manager(nodes=[manager_node('n2', 'h2'), manager_node('n1', 'h1', leader=True)])
    result = run(engine, state='gathered')
    swarm = result['swarm']
    assert swarm['cluster_id'] == 'c1' and [node['hostname'] for node in swarm['nodes']] == ['h1', 'h2']
    assert 'join_tokens' not in swarm and TOKEN not in repr(result)
    with_tokens = run(engine, state='gathered', include_join_tokens=True)['swarm']['join_tokens']
    assert with_tokens == {'worker': TOKEN, 'manager': TOKEN + '-manager'}


def test_present_creates_a_swarm_with_the_given_settings():
    engine = daemon()
    result = run(engine, state='present', advertise_addr='10.0.0.2', default_addr_pool=['10.20.0.0/16'], subnet_size=24,
                 data_path_port=4789, task_history_retention_limit=3)
    assert written(engine) == ['init_swarm'] and result['changed']
    init = engine.writes()[0][1]
    assert init['default_addr_pool'] == ['10.20.0.0/16'] and init['subnet_size'] == 24 and init['data_path_port'] == 4789
    assert init['swarm_spec']['Orchestration']['TaskHistoryRetentionLimit'] == 3
    assert ('require_init_swarm_sdk', 'data_path_port') in engine.calls
    assert result['after']['role'] == 'manager'


def test_present_in_check_mode_creates_nothing():
    engine = daemon()
    result = run(engine, check_mode=True, state='present')
    assert result['changed'] and result['after']['role'] == 'manager' and engine.writes() == []


def test_present_on_an_old_api_refuses_an_option_it_cannot_send():
    engine = daemon()
    engine.api_version = '1.38'
    result = run(engine, state='present', default_addr_pool=['10.20.0.0/16'])
    assert result['failed'] and 'option "default_addr_pool" needs Docker Engine API 1.39 or newer' in result['msg']
    assert engine.writes() == [] and not result['changed']


def test_a_stuck_join_is_not_left_when_the_new_swarm_s_options_are_refused():
    # Checked before the change: the node keeps its state, and the run says it changed nothing.
    engine = daemon(state='error')
    engine.api_version = '1.38'
    result = run(engine, state='present', default_addr_pool=['10.20.0.0/16'])
    assert result['failed'] and not result['changed'] and result['actions'] == []
    assert engine.writes() == []


def test_a_daemon_failing_after_a_change_reports_the_change_and_its_actions():
    engine = daemon(state='active')
    reads = []
    # The first GET /info plans the leave; the one after it fails.
    engine.fail('read_info', 'connection reset by peer', when=lambda: reads.append(1) or len(reads) == 2)
    result = run(engine, state='absent')
    assert result['failed'] and result['changed']
    assert result['msg'] == 'reading the swarm state (docker info) on h2 failed: connection reset by peer'
    assert [action['action'] for action in result['actions']] == ['leave']
    assert written(engine) == ['leave_swarm']


def test_present_on_a_manager_updates_what_differs_and_rotates_what_is_asked():
    engine = manager()
    result = run(engine, state='present', task_history_retention_limit=9, rotate_worker_token=True)
    assert [action['action'] for action in result['actions']] == ['update', 'rotate_worker_token']
    update = engine.writes()[0][1]
    assert update['version'] == 7 and update['rotate_worker_token'] and not update['rotate_manager_token']
    assert update['spec']['Orchestration']['TaskHistoryRetentionLimit'] == 9
    assert result['after']['settings']['task_history_retention_limit'] == 9


def test_present_on_a_manager_with_the_same_settings_changes_nothing_and_warns_about_init_only_options():
    engine = manager()
    engine.cluster['SubnetSize'] = 24
    module_warnings = []
    runner = SwarmRunner(FakeModule(state='present', subnet_size=26), engine, lock=contextlib.nullcontext)
    runner.module.warn = module_warnings.append
    result = runner.run()
    assert not result['changed'] and engine.writes() == []
    assert module_warnings == ['h2: subnet_size is 24 in the existing swarm and can only be set when a swarm is '
                               'created; 26 was not applied']


def test_present_on_a_worker_or_a_locked_node_needs_a_manager():
    assert 'this node is a swarm worker; state=present (swarm settings) needs a swarm manager' in \
        run(daemon(state='active'), state='present')['msg']
    assert 'the swarm is locked on this node (autolock)' in run(daemon(state='locked'), state='present')['msg']


def test_joined_refuses_another_swarm_a_locked_node_and_the_wrong_role():
    other = run(daemon(state='active'), remote_addrs=['10.9.9.9'])
    assert other['failed'] and 'this node is already part of another swarm (managers: 10.0.0.1:2377)' in other['msg']
    locked = run(daemon(state='locked'))
    assert 'cannot join while the swarm is locked on this node' in locked['msg']
    wrong_role = run(daemon(state='active'), role='manager')
    assert wrong_role['msg'] == ('h2: is in the swarm as a worker, not a manager: change its role from a manager with '
                                 'state=node_present, node=h2, role=manager')


def test_absent_refuses_to_drop_a_manager_without_force_and_leaves_with_it():
    last = run(manager(), state='absent')
    assert last['failed'] and 'this node is the last manager of swarm' in last['msg']
    one_of_three = run(manager(managers=3), state='absent')
    assert 'this node is one of 3 managers of swarm' in one_of_three['msg']
    engine = manager()
    result = run(engine, state='absent', force=True)
    assert engine.writes() == [('leave_swarm', {'force': True})] and result['after']['local_node_state'] == 'inactive'
    assert not run(daemon(), state='absent')['changed']


def test_node_present_finds_one_live_node():
    assert 'node "h5" is not a live member of this swarm' in run(manager(), state='node_present', node='h5')['msg']
    twins = [manager_node('n1', 'h1'), manager_node('n3', 'h1')]
    assert 'node "h1" is ambiguous: several live nodes have that hostname (n1, n3)' in \
        run(manager(nodes=twins), state='node_present', node='h1')['msg']


def test_node_absent_removes_a_down_node_and_refuses_a_live_one_without_force():
    down = dict(manager_node('n3', 'h3'), Status={'State': 'down', 'Addr': '10.0.0.3'})
    engine = manager(nodes=[manager_node('n1', 'h1', leader=True), down])
    result = run(engine, state='node_absent', node='h3')
    assert engine.writes() == [('remove_node', 'n3', {'force': False})] and result['after'] == {'nodes': []}
    live = run(manager(nodes=[manager_node('n3', 'h3')]), state='node_absent', node='h3')
    assert 'node "h3" (n3) is ready, not down' in live['msg']


def test_gathered_on_a_demoted_manager_waits_until_it_answers_as_a_worker():
    engine = manager()
    engine.demoted(reads=3)
    result = run(engine, settle_seconds=30, state='gathered')
    assert result['swarm']['role'] == 'worker' and engine.control_gone_reads is None


def test_a_manager_whose_control_api_never_answers_fails_with_its_state_and_dockers_error():
    engine = manager(nodes=[manager_node('n1', 'h1')])
    engine.demoted(reads=10 ** 6)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['failed'] and engine.writes() == []
    assert result['msg'].startswith('h2: this node says it is a swarm manager (state active), but its control API has '
                                    'not answered for 0 seconds: rpc error: code = Unavailable')
    assert 'control.sock' in result['msg']
