# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm runner's paths over a fake of the Engine API calls it makes (pure logic, no daemon)."""

import contextlib
import copy

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._client import APIError
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm import DEFAULT_SPEC
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_runner import (
    SwarmFailure,
    SwarmRunner,
    HostLock,
)

TOKEN = 'SWMTKN-1-secret-worker-token'
MANAGER = {'NodeID': 'm1', 'Addr': '10.0.0.1:2377'}
CONTROL_GONE = ('rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: '
                'dial unix /run/docker/swarm/control.sock: connect: no such file or directory"')


class FakeEngine:
    """This node's swarm state, changed by the calls as a daemon would; every write is recorded."""

    def __init__(self, state='inactive', control=False, join_error=None, join_leaves='pending', nodes=None,
                 states_after_pending=None):
        self.swarm = {'LocalNodeState': state, 'NodeID': 'n2' if state != 'inactive' else '', 'NodeAddr': '10.0.0.2',
                      'ControlAvailable': control, 'Error': 'rpc error: no route to host' if state == 'error' else '',
                      'RemoteManagers': [MANAGER] if state != 'inactive' else [], 'Managers': 1 if control else 0}
        self.join_error = join_error
        self.join_leaves = join_leaves
        self.node_list = nodes or []
        # What `pending` turns into on the next reads (a join finishing in the background).
        self.states_after_pending = list(states_after_pending or [])
        self.writes = []
        self.control_gone_reads = None

    def info(self):
        if self.swarm['LocalNodeState'] == 'pending' and self.states_after_pending:
            self.swarm['LocalNodeState'] = self.states_after_pending.pop(0)
        if self.control_gone_reads is not None:
            if self.control_gone_reads == 0:
                # The demotion has reached this node: a worker now.
                self.swarm.update(ControlAvailable=False, Error='', Managers=0)
                self.control_gone_reads = None
            else:
                self.control_gone_reads -= 1
        return {'Swarm': copy.deepcopy(self.swarm)}

    def demoted(self, reads):
        """This manager was demoted: for `reads` reads it says it is one, with its control socket gone."""
        self.swarm.update(LocalNodeState='active', ControlAvailable=True, Error=CONTROL_GONE)
        self.control_gone_reads = reads

    def inspect_swarm(self):
        return {'ID': 'c1', 'Spec': copy.deepcopy(DEFAULT_SPEC), 'Version': {'Index': 7},
                'JoinTokens': {'Worker': TOKEN, 'Manager': TOKEN + '-manager'}}

    def become(self, state, control=False):
        self.swarm.update(LocalNodeState=state, ControlAvailable=control, NodeID='n2',
                          RemoteManagers=[MANAGER] if state == 'active' else [])

    def init_swarm(self, **kwargs):
        self.writes.append(('init', kwargs))
        self.become('active', control=True)

    def join_swarm(self, **kwargs):
        self.writes.append(('join', kwargs))
        if self.join_error:
            self.become(self.join_leaves)
            raise APIError('500 Server Error', explanation=self.join_error)
        self.become('active')

    def leave_swarm(self, force=False):
        self.writes.append(('leave', {'force': force}))
        self.become('inactive')

    def nodes(self):
        return copy.deepcopy(self.node_list)

    def update_node(self, node_id, version, spec):
        self.writes.append(('update_node', {'id': node_id, 'spec': spec}))

    def inspect_node(self, node_id):
        return next(node for node in self.node_list if node['ID'] == node_id)


class FakeClient:
    host = 'h2'
    docker_host = 'unix:///run/docker.sock'

    def __init__(self, engine):
        self.api = engine

    def call(self, what, method, *args, **kwargs):
        return method(*args, **kwargs)

    def require_api(self, option, version):
        pass


class FakeModule:
    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self._diff = False
        self.params = dict(state='joined', remote_addrs=['10.0.0.1'], join_token=TOKEN, listen_addr='0.0.0.0:2377',
                           advertise_addr=None, data_path_addr=None, role='worker', force=False,
                           include_join_tokens=False, labels=None, labels_state='merged')
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
    runner = SwarmRunner(FakeModule(**params), FakeClient(engine), settle_seconds=settle_seconds,
                         sleep=Clock(), lock=contextlib.nullcontext)
    return runner.run()


def written(engine):
    return [name for name, _args in engine.writes]


def manager_node(node_id, hostname, reachability='reachable', leader=False):
    return {'ID': node_id, 'Version': {'Index': 1}, 'Description': {'Hostname': hostname},
            'Spec': {'Role': 'manager', 'Availability': 'active', 'Labels': {}},
            'Status': {'State': 'ready', 'Addr': '10.0.0.%s' % node_id[-1]},
            'ManagerStatus': {'Reachability': reachability, 'Leader': leader}}


def test_every_state_has_an_explicit_handler():
    runner = SwarmRunner(FakeModule(), FakeClient(FakeEngine()), lock=contextlib.nullcontext)
    assert sorted(runner.states) == ['absent', 'gathered', 'joined', 'node_absent', 'node_present', 'present']
    assert [locked for _handler, locked in (runner.states[s] for s in ('present', 'joined', 'absent'))] == [True] * 3


def test_join_from_no_swarm():
    engine = FakeEngine()
    result = run(engine)
    assert result['changed'] and [a['action'] for a in result['actions']] == ['join']
    assert engine.writes == [('join', {'remote_addrs': ['10.0.0.1'], 'join_token': TOKEN, 'listen_addr': '0.0.0.0:2377',
                                       'advertise_addr': None, 'data_path_addr': None})]
    assert result['after']['local_node_state'] == 'active'


def test_join_in_check_mode_writes_nothing():
    engine = FakeEngine()
    result = run(engine, check_mode=True)
    assert result['changed'] and engine.writes == []


def test_a_node_in_the_same_swarm_is_left_alone():
    engine = FakeEngine(state='active')
    result = run(engine)
    assert not result['changed'] and engine.writes == []


def test_a_node_stuck_in_error_leaves_the_attempt_then_joins():
    engine = FakeEngine(state='error')
    result = run(engine)
    assert written(engine) == ['leave', 'join']
    assert engine.writes[0] == ('leave', {'force': True})
    assert [a['action'] for a in result['actions']] == ['leave', 'join']
    assert 'stuck in an unfinished join (swarm state "error", rpc error' in result['actions'][0]['reason']


def test_a_pending_join_that_finishes_while_waiting_is_no_change():
    engine = FakeEngine(state='pending', states_after_pending=['pending', 'active'])
    result = run(engine, settle_seconds=30)
    assert not result['changed'] and engine.writes == []


def test_a_join_that_fails_leaves_its_attempt_and_says_what_failed_without_the_token():
    engine = FakeEngine(join_error='Timeout was reached before node joined.')
    result = run(engine)
    assert result['failed'] and result['changed']
    assert written(engine) == ['join', 'leave']
    assert engine.swarm['LocalNodeState'] == 'inactive'
    assert result['msg'].startswith('h2: joining the swarm at 10.0.0.1 failed: Timeout was reached')
    assert 'the unfinished join was left again' in result['msg']
    assert TOKEN not in repr(result)


def test_a_join_refused_although_it_finished_in_the_background_passes():
    engine = FakeEngine(join_error='This node is already part of a swarm.', join_leaves='active')
    result = run(engine)
    assert 'failed' not in result and written(engine) == ['join']


def test_present_on_a_stuck_node_leaves_then_creates():
    engine = FakeEngine(state='error')
    result = run(engine, state='present')
    assert written(engine) == ['leave', 'init']
    assert result['after']['role'] == 'manager'


def test_present_reports_a_refused_init():
    class Refusing(FakeEngine):
        def init_swarm(self, **kwargs):
            raise APIError('400', explanation='must specify a listening address')
    result = run(Refusing(), state='present')
    assert result['failed'] and result['msg'] == 'h2: initialising a swarm failed: must specify a listening address; nothing was created'


def test_absent_forces_leaving_a_stuck_join():
    engine = FakeEngine(state='error')
    run(engine, state='absent')
    assert engine.writes == [('leave', {'force': True})]


def test_tokens_on_a_node_in_no_swarm_fail_with_its_state():
    result = run(FakeEngine(), state='gathered', include_join_tokens=True)
    assert result == {'failed': True, 'changed': False, 'actions': [],
                      'msg': 'h2: join tokens can only be read on a swarm manager; this node is not in a swarm (state inactive)'}


def test_a_demotion_that_loses_the_quorum_is_refused_before_any_change():
    nodes = [manager_node('n1', 'h1', leader=True), manager_node('n2', 'h2'), manager_node('n3', 'h3', 'unreachable')]
    engine = FakeEngine(state='active', control=True, nodes=nodes)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['failed'] and engine.writes == []
    assert 'node "h1" is not demoted: the 2 managers left would have 1 reachable (2 needed' in result['msg']
    assert 'unreachable: h3' in result['msg']


def test_a_demotion_that_keeps_the_quorum_is_made():
    nodes = [manager_node('n1', 'h1', leader=True), manager_node('n2', 'h2'), manager_node('n3', 'h3')]
    engine = FakeEngine(state='active', control=True, nodes=nodes)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['changed'] and written(engine) == ['update_node']
    assert engine.writes[0][1]['spec']['Role'] == 'worker'


def test_node_states_need_a_manager():
    result = run(FakeEngine(state='active'), state='node_absent', node='h3')
    assert result['failed'] and 'this node is a swarm worker; state=node_absent needs a swarm manager' in result['msg']


def test_the_host_lock_is_exclusive(tmp_path):
    path = str(tmp_path / 'swarm.lock')
    with HostLock(path):
        with pytest.raises(SwarmFailure, match='another run has been changing the swarm membership'):
            with HostLock(path, seconds=0, sleep=Clock()):
                pass
    with HostLock(path, seconds=0):
        pass


def test_gathered_on_a_demoted_manager_waits_until_it_answers_as_a_worker():
    engine = FakeEngine(state='active', control=True)
    engine.demoted(reads=3)
    result = run(engine, settle_seconds=30, state='gathered')
    assert result['swarm']['role'] == 'worker' and engine.control_gone_reads is None


def test_a_manager_whose_control_api_never_answers_fails_with_its_state_and_dockers_error():
    engine = FakeEngine(state='active', control=True, nodes=[manager_node('n1', 'h1')])
    engine.demoted(reads=10 ** 6)
    result = run(engine, state='node_present', node='h1', role='worker', availability=None, node_labels=None)
    assert result['failed'] and engine.writes == []
    assert result['msg'].startswith('h2: this node says it is a swarm manager (state active), but its control API has '
                                    'not answered for 0 seconds: rpc error: code = Unavailable')
    assert 'control.sock' in result['msg']
