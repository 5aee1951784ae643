# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the swarm module: spec <-> options, comparing, label semantics, node lookup."""

import copy

from ansible_collections.fleetnet.docker.plugins.module_utils._swarm import (
    DEFAULT_SPEC,
    apply_settings_to_spec,
    changed_fields,
    find_nodes,
    manager_unavailable,
    membership_view,
    merge_labels,
    node_spec,
    node_view,
    same_swarm,
    settings_from_spec,
    split_address,
    wanted_node,
    wanted_settings,
)

# A SwarmSpec as Engine 20.10 returns it for a fresh swarm, plus a section the module does not manage.
LIVE_SPEC = dict(copy.deepcopy(DEFAULT_SPEC), Labels={'site': 'lab'},
                 TaskDefaults={'LogDriver': {'Name': 'json-file'}},
                 CAConfig={'NodeCertExpiry': 7776000000000000, 'ExternalCAs': [{'Protocol': 'cfssl', 'URL': 'https://ca'}]})

NODE = {
    'ID': 'n2', 'Version': {'Index': 42},
    'Spec': {'Labels': {'zone': 'a'}, 'Role': 'worker', 'Availability': 'active'},
    'Description': {'Hostname': 'h2'},
    'Status': {'State': 'ready', 'Addr': '10.0.0.2'},
}


def params(**given):
    base = dict(labels=None, labels_state='merged', autolock=None, task_history_retention_limit=None,
                node_cert_expiry=None, dispatcher_heartbeat_period=None, raft=None,
                role=None, availability=None, node_labels=None)
    base.update(given)
    return base


def test_settings_from_spec_uses_seconds_and_option_names():
    settings = settings_from_spec(LIVE_SPEC)
    assert settings == {
        'labels': {'site': 'lab'}, 'autolock': False, 'task_history_retention_limit': 5,
        'node_cert_expiry': 7776000, 'dispatcher_heartbeat_period': 5,
        'raft': {'snapshot_interval': 10000, 'keep_old_snapshots': 0, 'log_entries_for_slow_followers': 500,
                 'election_tick': 10, 'heartbeat_tick': 1},
    }


def test_settings_round_trip_is_lossless_and_keeps_unmanaged_sections():
    spec = apply_settings_to_spec(LIVE_SPEC, settings_from_spec(LIVE_SPEC))
    assert spec == LIVE_SPEC
    assert spec is not LIVE_SPEC


def test_apply_settings_converts_durations_to_nanoseconds():
    given = params(node_cert_expiry=3600, dispatcher_heartbeat_period=7, raft={'election_tick': 12, 'heartbeat_tick': None})
    settings = wanted_settings(settings_from_spec(LIVE_SPEC), given)
    spec = apply_settings_to_spec(LIVE_SPEC, settings)
    assert spec['CAConfig'] == {'NodeCertExpiry': 3600 * 10 ** 9, 'ExternalCAs': LIVE_SPEC['CAConfig']['ExternalCAs']}
    assert spec['Dispatcher']['HeartbeatPeriod'] == 7 * 10 ** 9
    assert spec['Raft']['ElectionTick'] == 12
    assert spec['Raft']['HeartbeatTick'] == 1


def test_options_not_given_cause_no_change():
    current = settings_from_spec(LIVE_SPEC)
    assert changed_fields(current, wanted_settings(current, params())) == []


def test_changed_fields_names_nested_raft_settings():
    current = settings_from_spec(LIVE_SPEC)
    wanted = wanted_settings(current, params(autolock=True, raft={'snapshot_interval': 5000}, labels={'tier': 'x'}))
    assert changed_fields(current, wanted) == ['autolock', 'labels', 'raft.snapshot_interval']


def test_merge_labels_merged_adds_changes_and_removes_null():
    assert merge_labels({'a': '1', 'b': '2'}, {'b': 3, 'c': 'x', 'a': None}, 'merged') == {'b': '3', 'c': 'x'}


def test_merge_labels_replaced_is_exact():
    assert merge_labels({'a': '1', 'b': '2'}, {'c': 'x', 'd': None}, 'replaced') == {'c': 'x'}
    assert merge_labels({'a': '1'}, {}, 'replaced') == {}


def test_merge_labels_not_given_keeps_all():
    assert merge_labels({'a': '1'}, None, 'replaced') == {'a': '1'}


def test_node_view_and_wanted_node():
    view = node_view(NODE)
    assert view == {'id': 'n2', 'hostname': 'h2', 'address': '10.0.0.2', 'role': 'worker', 'availability': 'active',
                    'status': 'ready', 'labels': {'zone': 'a'}, 'leader': False, 'manager_reachability': None}
    wanted = wanted_node(view, params(role='manager', availability='drain', node_labels={'disk': 'ssd'}))
    assert changed_fields(view, wanted) == ['availability', 'labels', 'role']
    assert wanted['labels'] == {'zone': 'a', 'disk': 'ssd'}
    assert changed_fields(view, wanted_node(view, params(role='worker', node_labels={'zone': 'a'}))) == []


def test_node_spec_keeps_other_fields():
    spec = dict(NODE['Spec'], Name='custom')
    new = node_spec(spec, {'role': 'manager', 'availability': 'pause', 'labels': {}})
    assert new == {'Name': 'custom', 'Role': 'manager', 'Availability': 'pause', 'Labels': {}}
    assert spec['Role'] == 'worker'


def test_find_nodes_by_id_then_hostname():
    old = dict(NODE, ID='old', Status={'State': 'down'})
    nodes = [NODE, old, dict(NODE, ID='h2', Description={'Hostname': 'other'})]
    assert [n['ID'] for n in find_nodes(nodes, 'h2')] == ['h2']
    assert [n['ID'] for n in find_nodes(nodes[:2], 'h2')] == ['n2', 'old']
    assert find_nodes(nodes, 'nope') == []


def test_split_address():
    assert split_address('10.0.0.1') == ('10.0.0.1', 2377)
    assert split_address('10.0.0.1:4000') == ('10.0.0.1', 4000)
    assert split_address('[fd00::1]:2377') == ('fd00::1', 2377)
    assert split_address('fd00::1') == ('fd00::1', 2377)


def test_same_swarm_compares_resolved_addresses_and_ports():
    managers = [{'NodeID': 'm', 'Addr': '10.0.0.1:2377'}]
    resolve = {'manager.lab': '10.0.0.1'}.get
    assert same_swarm(['10.0.0.1'], managers, resolve=lambda h: resolve(h, h))
    assert same_swarm(['manager.lab:2377'], managers, resolve=lambda h: resolve(h, h))
    assert not same_swarm(['10.0.0.1:2400'], managers, resolve=lambda h: resolve(h, h))
    assert not same_swarm(['10.0.0.9'], managers, resolve=lambda h: resolve(h, h))
    assert not same_swarm(['10.0.0.1'], None, resolve=lambda h: h)


def test_membership_view():
    worker = {'LocalNodeState': 'active', 'NodeID': 'w', 'NodeAddr': '10.0.0.2', 'ControlAvailable': False,
              'RemoteManagers': [{'NodeID': 'm', 'Addr': '10.0.0.1:2377'}]}
    assert membership_view(worker) == {'local_node_state': 'active', 'node_id': 'w', 'node_address': '10.0.0.2',
                                       'role': 'worker', 'cluster_id': None, 'managers': ['10.0.0.1:2377']}
    manager = dict(worker, ControlAvailable=True, Cluster={'ID': 'c'})
    assert membership_view(manager)['role'] == 'manager'
    assert membership_view(manager)['cluster_id'] == 'c'
    assert membership_view({'LocalNodeState': 'inactive', 'NodeID': ''})['role'] is None


CONTROL_GONE = ('rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: '
                'dial unix /run/docker/swarm/control.sock: connect: no such file or directory"')


def test_manager_unavailable_is_a_manager_whose_own_control_api_fails():
    # What Engine 28.5 said on a leader for about five seconds after its demotion.
    assert manager_unavailable({'LocalNodeState': 'active', 'ControlAvailable': True, 'Error': CONTROL_GONE}) == CONTROL_GONE
    assert manager_unavailable({'LocalNodeState': 'active', 'ControlAvailable': True, 'Error': ''}) is None
    # A worker or a failed join carries an error of its own, which is not the control API's.
    assert manager_unavailable({'LocalNodeState': 'active', 'ControlAvailable': False, 'Error': 'x'}) is None
    assert manager_unavailable({'LocalNodeState': 'error', 'ControlAvailable': False, 'Error': 'timeout'}) is None
    assert manager_unavailable({}) is None
