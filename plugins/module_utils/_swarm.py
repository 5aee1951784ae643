# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swarm membership, cluster settings and node management for the ``swarm`` module.

Private to this collection. The top half is pure logic (turning Engine API objects into the
module's option format, comparing, building specs) so it can be unit tested without a daemon;
``SwarmRunner`` at the bottom is the only part that talks to Docker.

Secrets (join tokens, unlock keys) never enter ``before``/``after``/``actions`` or an error
message built here: the only way out is ``gathered`` with ``include_join_tokens``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import socket

NANOSECONDS = 10 ** 9
DEFAULT_SWARM_PORT = 2377

# Cluster settings the module manages: option name -> (Spec section, Spec key, scale).
# Durations are seconds in the module and nanoseconds in the Engine API, hence the scale.
SETTINGS = {
    'autolock': ('EncryptionConfig', 'AutoLockManagers', None),
    'task_history_retention_limit': ('Orchestration', 'TaskHistoryRetentionLimit', None),
    'node_cert_expiry': ('CAConfig', 'NodeCertExpiry', NANOSECONDS),
    'dispatcher_heartbeat_period': ('Dispatcher', 'HeartbeatPeriod', NANOSECONDS),
}
RAFT_SETTINGS = {
    'snapshot_interval': 'SnapshotInterval',
    'keep_old_snapshots': 'KeepOldSnapshots',
    'log_entries_for_slow_followers': 'LogEntriesForSlowFollowers',
    'election_tick': 'ElectionTick',
    'heartbeat_tick': 'HeartbeatTick',
}

# Docker's own defaults for a new swarm. Init sends the whole spec so that check mode can
# predict exactly what the swarm will look like, instead of guessing what the daemon fills in.
DEFAULT_SPEC = {
    'Name': 'default',
    'Labels': {},
    'Orchestration': {'TaskHistoryRetentionLimit': 5},
    'Raft': {'SnapshotInterval': 10000, 'KeepOldSnapshots': 0, 'LogEntriesForSlowFollowers': 500,
             'ElectionTick': 10, 'HeartbeatTick': 1},
    'Dispatcher': {'HeartbeatPeriod': 5 * NANOSECONDS},
    'CAConfig': {'NodeCertExpiry': 90 * 24 * 3600 * NANOSECONDS},
    'TaskDefaults': {},
    'EncryptionConfig': {'AutoLockManagers': False},
}

# Fixed at creation by Docker: given for an existing swarm they can only be reported.
INIT_ONLY = {
    'default_addr_pool': 'DefaultAddrPool',
    'subnet_size': 'SubnetSize',
    'data_path_port': 'DataPathPort',
}


# ---------------------------------------------------------------- pure logic

def settings_from_spec(spec):
    """The cluster settings of a SwarmSpec in the module's option format."""
    spec = spec or {}
    settings = {'labels': dict(spec.get('Labels') or {})}
    for option, (section, key, scale) in SETTINGS.items():
        value = (spec.get(section) or {}).get(key)
        if value is not None and scale:
            value = value // scale
        if option == 'autolock':
            value = bool(value)
        settings[option] = value
    raft = spec.get('Raft') or {}
    settings['raft'] = dict((option, raft.get(key)) for option, key in RAFT_SETTINGS.items())
    return settings


def apply_settings_to_spec(spec, settings):
    """A copy of `spec` carrying `settings` (option format); keys not in settings are kept.

    Docker replaces the whole spec on update, so the current spec is the base: sections the
    module does not manage (TaskDefaults, external CAs) survive unchanged.
    """
    new = copy.deepcopy(spec or {})
    if 'labels' in settings:
        new['Labels'] = dict(settings['labels'])
    for option, (section, key, scale) in SETTINGS.items():
        if settings.get(option) is None:
            continue
        value = settings[option]
        new.setdefault(section, {})
        new[section][key] = value * scale if scale else value
    for option, key in RAFT_SETTINGS.items():
        value = (settings.get('raft') or {}).get(option)
        if value is not None:
            new.setdefault('Raft', {})[key] = value
    return new


def merge_labels(current, wanted, labels_state):
    """Labels after applying `wanted` with `labels_state` (merged or replaced).

    merged: given keys are set, a key given with a null value is removed, others stay.
    replaced: the labels become exactly the given ones (null values dropped).
    None for `wanted` means the option was not given: nothing changes.
    """
    current = dict(current or {})
    if wanted is None:
        return current
    if labels_state == 'replaced':
        return dict((k, str(v)) for k, v in wanted.items() if v is not None)
    for key, value in wanted.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = str(value)
    return current


def wanted_settings(current, params):
    """Settings after applying the module's options to `current`; options not given keep theirs."""
    wanted = copy.deepcopy(current)
    wanted['labels'] = merge_labels(current.get('labels'), params.get('labels'),
                                    params.get('labels_state') or 'merged')
    for option in SETTINGS:
        if params.get(option) is not None:
            wanted[option] = params[option]
    raft = params.get('raft') or {}
    wanted['raft'] = dict(current.get('raft') or {})
    for option in RAFT_SETTINGS:
        if raft.get(option) is not None:
            wanted['raft'][option] = raft[option]
    return wanted


def changed_fields(before, after, prefix=''):
    """Dotted names of the keys whose values differ between two option-format dicts."""
    fields = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict) and key != 'labels':
            fields.extend(changed_fields(old, new, prefix + key + '.'))
        elif old != new:
            fields.append(prefix + key)
    return fields


def node_view(node):
    """A node of `docker node inspect` in the module's format."""
    spec = node.get('Spec') or {}
    description = node.get('Description') or {}
    status = node.get('Status') or {}
    manager = node.get('ManagerStatus') or {}
    return {
        'id': node.get('ID'),
        'hostname': description.get('Hostname'),
        'address': status.get('Addr'),
        'role': spec.get('Role'),
        'availability': spec.get('Availability'),
        'status': status.get('State'),
        'labels': dict(spec.get('Labels') or {}),
        'leader': bool(manager.get('Leader')),
        'manager_reachability': manager.get('Reachability'),
    }


def wanted_node(view, params):
    """The node (module format) after applying role, availability and node_labels."""
    wanted = dict(view)
    for option in ('role', 'availability'):
        if params.get(option) is not None:
            wanted[option] = params[option]
    wanted['labels'] = merge_labels(view.get('labels'), params.get('node_labels'),
                                    params.get('labels_state') or 'merged')
    return wanted


def node_spec(spec, wanted):
    """A copy of a node's Spec carrying the wanted role, availability and labels."""
    new = copy.deepcopy(spec or {})
    new['Role'] = wanted['role']
    new['Availability'] = wanted['availability']
    new['Labels'] = dict(wanted['labels'])
    return new


def find_nodes(nodes, name):
    """Nodes whose ID or hostname is `name` (a full ID wins over a hostname)."""
    by_id = [node for node in nodes if node.get('ID') == name]
    if by_id:
        return by_id
    return [node for node in nodes if (node.get('Description') or {}).get('Hostname') == name]


def split_address(address, default_port=DEFAULT_SWARM_PORT):
    """(host, port) of 'host', 'host:port', '[v6]:port' or a bare IPv6 address."""
    address = address.strip()
    if address.startswith('['):
        host, _sep, rest = address[1:].partition(']')
        return host, int(rest[1:]) if rest.startswith(':') else default_port
    if address.count(':') == 1:
        host, port = address.split(':')
        return host, int(port)
    return address, default_port


def same_swarm(remote_addrs, remote_managers, resolve=None):
    """True when one of `remote_addrs` is a manager this node already knows (so: the same swarm).

    A worker cannot ask for the cluster ID, but it knows the managers it talks to; the join
    target is the same swarm when one of the given addresses is one of them.
    """
    resolve = resolve or _resolve
    known = set()
    for manager in remote_managers or []:
        host, port = split_address(manager.get('Addr') or '')
        known.add((resolve(host), port))
    for address in remote_addrs or []:
        host, port = split_address(address)
        if (resolve(host), port) in known:
            return True
    return False


def _resolve(host):
    try:
        return socket.gethostbyname(host)
    except (socket.error, UnicodeError):
        return host


def membership_view(info_swarm, cluster=None):
    """This node's place in a swarm (module format), from `docker info`'s Swarm section."""
    info_swarm = info_swarm or {}
    state = info_swarm.get('LocalNodeState') or 'inactive'
    active = state == 'active'
    view = {
        'local_node_state': state,
        'node_id': info_swarm.get('NodeID') or None,
        'node_address': info_swarm.get('NodeAddr') or None,
        'role': ('manager' if info_swarm.get('ControlAvailable') else 'worker') if active else None,
        'cluster_id': (cluster or info_swarm.get('Cluster') or {}).get('ID') if active else None,
        'managers': sorted(m.get('Addr') for m in info_swarm.get('RemoteManagers') or []) if active else [],
    }
    return view


def inactive_view():
    return membership_view({'LocalNodeState': 'inactive'})


# ---------------------------------------------------------------- talking to Docker

class SwarmRunner:
    """Runs one invocation of the swarm module: plan, guard side effects in check mode, report."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.host = client.host
        self.actions = []
        self.changed = False

    # -- helpers
    def fail(self, msg):
        self.module.fail_json(msg=msg, actions=self.actions)

    def info_swarm(self):
        return self.client.call('reading the swarm state (docker info)', self.client.api.info).get('Swarm') or {}

    def inspect_swarm(self):
        return self.client.call('inspecting the swarm', self.client.api.inspect_swarm)

    def act(self, action, reason):
        self.actions.append({'action': action, 'reason': reason})
        self.changed = True

    def require_manager(self, info, what):
        state = info.get('LocalNodeState')
        if state == 'locked':
            self.fail('%s: the swarm is locked on this node (autolock); unlock it with "docker swarm unlock" '
                      'and the unlock key, then run again' % self.host)
        if state != 'active':
            self.fail('%s is not part of a swarm (state %s); %s needs a swarm manager: create the swarm with '
                      'state=present or run this on a manager' % (self.host, state, what))
        if not info.get('ControlAvailable'):
            self.fail('%s is a swarm worker; %s needs a swarm manager: run this task on a manager '
                      '(for example with delegate_to)' % (self.host, what))

    def result(self, before, after, **extra):
        result = dict(changed=self.changed, actions=self.actions, before=before, after=after, **extra)
        if self.module._diff:
            result['diff'] = {'before': before, 'after': after}
        return result

    # -- states
    def run(self):
        state = self.params['state']
        return getattr(self, 'state_' + state)()

    def state_gathered(self):
        info = self.info_swarm()
        view = membership_view(info)
        swarm = dict(view)
        if view['role'] == 'manager':
            cluster = self.inspect_swarm()
            swarm['cluster_id'] = cluster.get('ID')
            swarm['settings'] = settings_from_spec(cluster.get('Spec'))
            for option, key in INIT_ONLY.items():
                swarm[option] = cluster.get(key)
            nodes = self.client.call('listing the swarm nodes', self.client.api.nodes)
            swarm['nodes'] = sorted((node_view(node) for node in nodes), key=lambda n: (n['hostname'] or '', n['id']))
            if self.params['include_join_tokens']:
                tokens = cluster.get('JoinTokens') or {}
                swarm['join_tokens'] = {'worker': tokens.get('Worker'), 'manager': tokens.get('Manager')}
        elif self.params['include_join_tokens']:
            self.fail('%s: join tokens can only be read on a swarm manager; this node is %s'
                      % (self.host, view['role'] or 'not in a swarm'))
        return dict(changed=False, swarm=swarm)

    def state_present(self):
        info = self.info_swarm()
        before = membership_view(info)
        if before['local_node_state'] == 'inactive':
            return self.init_swarm(before)
        self.require_manager(info, 'state=present (swarm settings)')
        cluster = self.inspect_swarm()
        before['settings'] = settings_from_spec(cluster.get('Spec'))
        wanted = wanted_settings(before['settings'], self.params)
        after = dict(before, settings=wanted)
        for option, key in INIT_ONLY.items():
            value = self.params.get(option)
            if value is not None and value != cluster.get(key):
                self.module.warn('%s: %s is %s in the existing swarm and can only be set when a swarm is '
                                 'created; %s was not applied' % (self.host, option, cluster.get(key), value))
        fields = changed_fields(before['settings'], wanted)
        rotate = dict((name, bool(self.params.get(name))) for name in
                      ('rotate_worker_token', 'rotate_manager_token', 'rotate_unlock_key'))
        if fields:
            self.act('update', 'swarm settings differ: %s' % ', '.join(fields))
        for name, wanted_rotation in rotate.items():
            if wanted_rotation:
                self.act(name, 'requested')
        if self.changed and not self.module.check_mode:
            spec = apply_settings_to_spec(cluster.get('Spec'), wanted)
            self.client.call('updating the swarm', self.client.api.update_swarm,
                             version=cluster['Version']['Index'], swarm_spec=spec,
                             rotate_worker_token=rotate['rotate_worker_token'],
                             rotate_manager_token=rotate['rotate_manager_token'],
                             rotate_manager_unlock_key=rotate['rotate_unlock_key'])
            after = membership_view(self.info_swarm())
            after['settings'] = settings_from_spec(self.inspect_swarm().get('Spec'))
        return self.result(before, after)

    def init_swarm(self, before):
        params = self.params
        settings = wanted_settings(settings_from_spec(DEFAULT_SPEC), params)
        after = {'local_node_state': 'active', 'node_id': None, 'node_address': None, 'role': 'manager',
                 'cluster_id': None, 'managers': [], 'settings': settings}
        self.act('init', 'this node is in no swarm')
        if not self.module.check_mode:
            for option, version in (('default_addr_pool', '1.39'), ('subnet_size', '1.39'),
                                    ('data_path_addr', '1.30'), ('data_path_port', '1.40')):
                if params.get(option) is not None:
                    self.client.require_api(option, version)
            # Docker SDKs before 6.0 have no data_path_port: send it only when it is given.
            port = {}
            if params.get('data_path_port') is not None:
                self.client.require_sdk('data_path_port', self.client.api.init_swarm, 'data_path_port', '6.0.0')
                port['data_path_port'] = params['data_path_port']
            self.client.call('initialising a swarm', self.client.api.init_swarm,
                             advertise_addr=params.get('advertise_addr'),
                             listen_addr=params['listen_addr'],
                             swarm_spec=apply_settings_to_spec(DEFAULT_SPEC, settings),
                             default_addr_pool=params.get('default_addr_pool'),
                             subnet_size=params.get('subnet_size'),
                             data_path_addr=params.get('data_path_addr'), **port)
            after = membership_view(self.info_swarm())
            after['settings'] = settings_from_spec(self.inspect_swarm().get('Spec'))
        return self.result(before, after)

    def state_joined(self):
        params = self.params
        info = self.info_swarm()
        before = membership_view(info)
        state = before['local_node_state']
        if state == 'active':
            if not same_swarm(params['remote_addrs'], info.get('RemoteManagers')):
                self.fail('%s is already part of another swarm (managers: %s), not the one at %s: leave it first '
                          'with state=absent (force=true if this node is a manager), then join'
                          % (self.host, ', '.join(before['managers']) or 'unknown', ', '.join(params['remote_addrs'])))
            self.check_role(before['role'])
            return self.result(before, before)
        if state != 'inactive':
            self.fail('%s: cannot join while the local swarm state is "%s"; %s' % (
                self.host, state, 'unlock it with "docker swarm unlock"' if state == 'locked'
                else 'leave with state=absent and force=true, then join again'))
        after = dict(before, local_node_state='active', role=params.get('role'), managers=sorted(params['remote_addrs']))
        self.act('join', 'this node is in no swarm')
        if not self.module.check_mode:
            self.client.call('joining the swarm at %s' % ', '.join(params['remote_addrs']), self.client.api.join_swarm,
                             remote_addrs=params['remote_addrs'], join_token=params['join_token'],
                             listen_addr=params['listen_addr'], advertise_addr=params.get('advertise_addr'),
                             data_path_addr=params.get('data_path_addr'))
            after = membership_view(self.info_swarm())
            self.check_role(after['role'], joined=True)
        return self.result(before, after)

    def check_role(self, actual, joined=False):
        wanted = self.params.get('role')
        if wanted and actual != wanted:
            # The token, not the request, decides the role; changing it later is a manager's job.
            self.fail('%s %s the swarm as a %s, not a %s: %s' % (
                self.host, 'joined' if joined else 'is in', actual, wanted,
                'the join token given is the %s token' % actual if joined else
                'change its role from a manager with state=node_present, node=%s, role=%s' % (self.host, wanted)))

    def state_absent(self):
        info = self.info_swarm()
        before = membership_view(info)
        if before['local_node_state'] == 'inactive':
            return self.result(before, before)
        if before['role'] == 'manager' and not self.params['force']:
            managers = info.get('Managers') or 0
            if managers <= 1:
                self.fail('%s is the last manager of swarm %s: leaving erases the swarm (its services, networks, '
                          'secrets and configs). Set force=true to leave and destroy it, or promote another node '
                          'to manager first' % (self.host, before['cluster_id']))
            self.fail('%s is one of %d managers of swarm %s: demote it first from a manager (state=node_present, '
                      'node=%s, role=worker) so the swarm keeps its quorum, or set force=true'
                      % (self.host, managers, before['cluster_id'], self.host))
        self.act('leave', 'this node is in swarm %s' % (before['cluster_id'] or 'with managers ' + ', '.join(before['managers'])))
        after = inactive_view()
        if not self.module.check_mode:
            self.client.call('leaving the swarm', self.client.api.leave_swarm, force=self.params['force'])
            after = membership_view(self.info_swarm())
        return self.result(before, after)

    def nodes_named(self, name):
        nodes = self.client.call('listing the swarm nodes', self.client.api.nodes)
        return find_nodes(nodes, name)

    def state_node_present(self):
        self.require_manager(self.info_swarm(), 'state=node_present')
        name = self.params['node']
        found = [node for node in self.nodes_named(name) if (node.get('Status') or {}).get('State') != 'down']
        if not found:
            self.fail('node "%s" is not a live member of the swarm managed by %s: join it (state=joined on that '
                      'host) first' % (name, self.host))
        if len(found) > 1:
            self.fail('node "%s" is ambiguous on %s: several live nodes have that hostname (%s); give the node ID'
                      % (name, self.host, ', '.join(node['ID'] for node in found)))
        node = found[0]
        before = node_view(node)
        after = wanted_node(before, self.params)
        fields = changed_fields(before, after)
        if fields:
            self.act('update node %s' % before['hostname'], 'differs: %s' % ', '.join(fields))
            if not self.module.check_mode:
                self.client.call('updating node %s' % name, self.client.api.update_node, node['ID'],
                                 node['Version']['Index'], node_spec(node.get('Spec'), after))
                after = node_view(self.client.call('inspecting node %s' % name, self.client.api.inspect_node, node['ID']))
        return self.result(before, after)

    def state_node_absent(self):
        self.require_manager(self.info_swarm(), 'state=node_absent')
        name = self.params['node']
        found = self.nodes_named(name)
        # A dict, not a bare list: Ansible's diff display only renders strings and dicts.
        before = {'nodes': [node_view(node) for node in found]}
        live = [view for view in before['nodes'] if view['status'] != 'down']
        if live and not self.params['force']:
            self.fail('node "%s" (%s) is %s, not down: leave the swarm on that host first (state=absent there) '
                      'and run again once it shows as down, or set force=true to remove it while it runs'
                      % (name, ', '.join(view['id'] for view in live), ', '.join(sorted(set(v['status'] for v in live)))))
        for view in before['nodes']:
            self.act('remove node %s (%s)' % (view['hostname'], view['id']), 'status %s' % view['status'])
            if not self.module.check_mode:
                self.client.call('removing node %s (%s)' % (view['hostname'], view['id']), self.client.api.remove_node,
                                 view['id'], force=self.params['force'])
        return self.result(before, {'nodes': []})
