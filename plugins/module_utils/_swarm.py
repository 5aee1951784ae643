# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swarm membership, cluster settings and node management for the ``swarm`` module: the pure logic.

Private to this collection. Turning Engine API objects into the module's option format,
comparing, building specs and the raft quorum arithmetic, all testable without a daemon;
``_swarm_runner.SwarmRunner`` is the part that talks to Docker.

Secrets (join tokens, unlock keys) never enter ``before``/``after``/``actions`` or an error
message built here: the only way out is ``gathered`` with ``include_join_tokens``.
"""

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


def manager_unavailable(info_swarm):
    """Docker's error when this node counts itself a manager but its control API does not answer, else None.

    A manager on its way out keeps ControlAvailable for a few seconds after its control socket is
    gone, and docker info then carries the error of its own call to it ("dial unix
    /run/docker/swarm/control.sock: connect: no such file or directory"). Engine 28.5 shows this for
    about five seconds after the swarm leader is demoted; every manager call fails meanwhile.
    """
    info_swarm = info_swarm or {}
    if info_swarm.get('LocalNodeState') == 'active' and info_swarm.get('ControlAvailable'):
        return info_swarm.get('Error') or None
    return None


def inactive_view():
    return membership_view({'LocalNodeState': 'inactive'})


# Local swarm states of a node whose join (or init) did not finish: `pending` while Docker still
# tries in the background, `error` once it gave up (for example after the host was cut off).
STUCK_STATES = ('pending', 'error')


def quorum(managers):
    """Managers that must be reachable for a raft of `managers` members to make decisions."""
    return managers // 2 + 1


def demotion_problem(nodes, node_id):
    """Why demoting node `node_id` would cost the swarm its raft quorum, or None when it is safe.

    `nodes` as the Engine API lists them. Docker 20.10 does not refuse this itself when a manager is
    unreachable.
    """
    managers = [(node.get('ID'), (node.get('Description') or {}).get('Hostname') or node.get('ID'),
                 (node.get('ManagerStatus') or {}).get('Reachability') == 'reachable')
                for node in nodes if (node.get('Spec') or {}).get('Role') == 'manager']
    return quorum_problem(managers, node_id)


def quorum_problem(managers, node_id):
    """Why demoting `node_id` would cost the raft of `managers`, (id, name, reachable) each, its quorum.

    Demoting removes the node from the raft: the remaining managers must still have a majority of
    reachable members. None when it is safe, or when `node_id` is not one of the managers.
    """
    if not any(member_id == node_id for member_id, _name, _reachable in managers):
        return None
    remaining = [manager for manager in managers if manager[0] != node_id]
    if not remaining:
        return 'it is the last manager of the swarm'
    reachable = [manager for manager in remaining if manager[2]]
    if len(reachable) < quorum(len(remaining)):
        unreachable = sorted(name for _id, name, is_reachable in remaining if not is_reachable)
        return ('the %d managers left would have %d reachable (%d needed for a quorum; unreachable: %s)'
                % (len(remaining), len(reachable), quorum(len(remaining)), ', '.join(unreachable)))
    return None


def api_reason(exc):
    """The daemon's own one-line reason for a failed Engine API call."""
    explanation = getattr(exc, 'explanation', None)
    if isinstance(explanation, bytes):
        explanation = explanation.decode('utf-8', 'replace')
    return explanation or str(exc) or exc.__class__.__name__
