# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run of the ``swarm`` module: read the node, plan, guard side effects in check mode, report.

Private to this collection. The pure logic is in ``_swarm``; this file is the part that talks to
Docker, through ``DockerClient`` (``client.call`` for reads, ``attempt`` where a refusal has to be
looked at before failing). Membership changes on one host run under a lock (``HostLock``), so two
runs against one host at the same time do not break each other's join.
"""

import time

from ansible_collections.fleetnet.docker.plugins.module_utils._client import APIError, DockerClient
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import api_of
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_lock import HostLock, SwarmFailure, lock_path
from ansible_collections.fleetnet.docker.plugins.module_utils._swarm import (
    DEFAULT_SPEC,
    INIT_ONLY,
    STUCK_STATES,
    api_reason,
    apply_settings_to_spec,
    changed_fields,
    demotion_problem,
    find_nodes,
    inactive_view,
    manager_unavailable,
    membership_view,
    node_spec,
    node_view,
    same_swarm,
    settings_from_spec,
    wanted_node,
    wanted_settings,
)

# How long a node that is `pending` (a join in progress, maybe another run's) may take to settle
# before it counts as stuck. Docker itself gives a join 20 seconds before answering with a timeout.
SETTLE_SECONDS = 30
# Engine API minimums of the options used when a swarm is created (_engine_versions.RULES).
INIT_API_MINIMUMS = tuple((option, api_of('swarm ' + option))
                          for option in ('default_addr_pool', 'subnet_size', 'data_path_addr', 'data_path_port'))


class SwarmRunner:
    """Runs one invocation of the swarm module: plan, guard side effects in check mode, report."""

    def __init__(self, module, client, settle_seconds=SETTLE_SECONDS, sleep=time.sleep, lock=None):
        self.module = module
        self.client = client
        self.params = module.params
        self.host = client.host
        self.actions = []
        self.changed = False
        self.settle_seconds = settle_seconds
        self.sleep = sleep
        self.lock = lock or (lambda: HostLock(lock_path(client.docker_host), sleep=sleep))
        # state -> (handler, whether it changes this host's membership and so runs under the lock)
        self.states = {
            'present': (self.state_present, True),
            'joined': (self.state_joined, True),
            'absent': (self.state_absent, True),
            'node_present': (self.state_node_present, False),
            'node_absent': (self.state_node_absent, False),
            'gathered': (self.state_gathered, False),
        }

    def run(self):
        """The module's result; a failure (this runner's or the client's) carries ``changed`` and the actions."""
        handler, locked = self.states[self.params['state']]
        try:
            if locked:
                with self.lock():
                    return handler()
            return handler()
        except ModuleFailure as failure:
            raise failure.record(self.actions, changed=self.changed, host=self.host)

    # -- helpers
    def fail(self, msg):
        raise SwarmFailure(msg, host=self.host)

    def info_swarm(self):
        return self.client.call('reading the swarm state (docker info)', self.client.read_info).get('Swarm') or {}

    def settled_info(self):
        """The Swarm section of docker info once it has settled, waiting at most settle_seconds.

        Settled: a join in progress (`pending`) has ended (not waited for in check mode), and a node
        that says it is a manager answers as one: a demoted manager says so for a few seconds after
        its control socket is gone, and every read of the swarm would fail meanwhile.
        """
        def unsettled(info):
            pending = info.get('LocalNodeState') == 'pending' and not self.module.check_mode
            return pending or manager_unavailable(info)
        info = self.info_swarm()
        deadline = time.monotonic() + self.settle_seconds
        while unsettled(info) and time.monotonic() < deadline:
            self.sleep(1)
            info = self.info_swarm()
        error = manager_unavailable(info)
        if error:
            self.fail('this node says it is a swarm manager (state %s), but its control API has not answered for %d '
                      'seconds: %s. A manager being demoted or stopping says so for a moment; if this lasts, look at '
                      'this host\'s dockerd' % (info.get('LocalNodeState'), self.settle_seconds, error))
        return info

    def inspect_swarm(self):
        return self.client.call('inspecting the swarm', self.client.inspect_swarm)

    def attempt(self, what, method, **kwargs):
        """Call `method`; an Engine API refusal is returned (to be looked at), not raised."""
        def call():
            try:
                method(**kwargs)
            except APIError as exc:
                return exc
            return None
        return self.client.call(what, call)

    def act(self, action, reason):
        self.actions.append({'action': action, 'reason': reason})
        self.changed = True

    def require_manager(self, info, what):
        state = info.get('LocalNodeState')
        if state == 'locked':
            self.fail('the swarm is locked on this node (autolock); unlock it with "docker swarm unlock" '
                      'and the unlock key, then run again')
        if state != 'active':
            self.fail('this node is not part of a swarm (state %s); %s needs a swarm manager: create the swarm '
                      'with state=present or run this on a manager' % (state, what))
        if not info.get('ControlAvailable'):
            self.fail('this node is a swarm worker; %s needs a swarm manager: run this task on a manager '
                      '(for example with delegate_to)' % what)

    def result(self, before, after, **extra):
        result = dict(changed=self.changed, actions=self.actions, before=before, after=after, **extra)
        if self.module._diff:
            result['diff'] = {'before': before, 'after': after}
        return result

    def leave_stuck(self, info):
        """Plan (and unless check mode, do) leaving an unfinished join, so that a new one can start."""
        error = info.get('Error')
        self.act('leave', 'this node is stuck in an unfinished join (swarm state "%s"%s): it leaves it first'
                 % (info.get('LocalNodeState'), ', ' + error if error else ''))
        if not self.module.check_mode:
            self.client.call('leaving the unfinished join', self.client.leave_swarm, force=True)

    # -- states
    def state_gathered(self):
        info = self.settled_info()
        view = membership_view(info)
        swarm = dict(view)
        if view['role'] == 'manager':
            cluster = self.inspect_swarm()
            swarm['cluster_id'] = cluster.get('ID')
            swarm['settings'] = settings_from_spec(cluster.get('Spec'))
            for option, key in INIT_ONLY.items():
                swarm[option] = cluster.get(key)
            nodes = self.client.call('listing the swarm nodes', self.client.swarm_nodes)
            swarm['nodes'] = sorted((node_view(node) for node in nodes), key=lambda n: (n['hostname'] or '', n['id']))
            if self.params['include_join_tokens']:
                tokens = cluster.get('JoinTokens') or {}
                swarm['join_tokens'] = {'worker': tokens.get('Worker'), 'manager': tokens.get('Manager')}
        elif self.params['include_join_tokens']:
            self.fail('join tokens can only be read on a swarm manager; this node is %s'
                      % (view['role'] or 'not in a swarm (state %s)' % view['local_node_state']))
        return dict(changed=False, swarm=swarm)

    def state_present(self):
        info = self.settled_info()
        before = membership_view(info)
        if before['local_node_state'] in STUCK_STATES + ('inactive',):
            # Checked before leaving a stuck join, so that a daemon that cannot take an option changes nothing.
            port = self.init_options()
            if before['local_node_state'] in STUCK_STATES:
                self.leave_stuck(info)
            return self.init_swarm(before, port)
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
            self.client.call('updating the swarm', self.client.update_swarm,
                             version=cluster['Version']['Index'], swarm_spec=spec,
                             rotate_worker_token=rotate['rotate_worker_token'],
                             rotate_manager_token=rotate['rotate_manager_token'],
                             rotate_manager_unlock_key=rotate['rotate_unlock_key'])
            after = self.manager_view()
        return self.result(before, after)

    def manager_view(self):
        view = membership_view(self.info_swarm())
        view['settings'] = settings_from_spec(self.inspect_swarm().get('Spec'))
        return view

    def init_options(self):
        """Raise when the daemon or the SDK cannot take an option given for a new swarm; the SDK's extra arguments."""
        params = self.params
        for option, version in INIT_API_MINIMUMS:
            if params.get(option) is not None:
                self.client.require_api(option, version)
        # Docker SDKs before 6.0 have no data_path_port: send it only when it is given.
        if params.get('data_path_port') is None:
            return {}
        self.client.require_init_swarm_sdk('data_path_port', 'data_path_port', '6.0.0')
        return {'data_path_port': params['data_path_port']}

    def init_swarm(self, before, port):
        params = self.params
        settings = wanted_settings(settings_from_spec(DEFAULT_SPEC), params)
        after = {'local_node_state': 'active', 'node_id': None, 'node_address': None, 'role': 'manager',
                 'cluster_id': None, 'managers': [], 'settings': settings}
        self.act('init', 'this node is in no swarm')
        if self.module.check_mode:
            return self.result(before, after)
        refused = self.attempt('initialising a swarm', self.client.init_swarm,
                               advertise_addr=params.get('advertise_addr'),
                               listen_addr=params['listen_addr'],
                               swarm_spec=apply_settings_to_spec(DEFAULT_SPEC, settings),
                               default_addr_pool=params.get('default_addr_pool'),
                               subnet_size=params.get('subnet_size'),
                               data_path_addr=params.get('data_path_addr'), **port)
        if refused is not None:
            self.fail('initialising a swarm failed: %s; nothing was created' % api_reason(refused))
        return self.result(before, self.manager_view())

    def state_joined(self):
        params = self.params
        info = self.settled_info()
        before = membership_view(info)
        state = before['local_node_state']
        if state == 'active':
            if not same_swarm(params['remote_addrs'], info.get('RemoteManagers')):
                self.fail('this node is already part of another swarm (managers: %s), not the one at %s: leave it '
                          'first with state=absent (force=true if this node is a manager), then join'
                          % (', '.join(before['managers']) or 'unknown', ', '.join(params['remote_addrs'])))
            self.check_role(before['role'])
            return self.result(before, before)
        if state == 'locked':
            self.fail('cannot join while the swarm is locked on this node: unlock it with "docker swarm unlock"')
        if state in STUCK_STATES:
            self.leave_stuck(info)
        after = dict(before, local_node_state='active', role=params.get('role'), managers=sorted(params['remote_addrs']))
        self.act('join', 'this node is in no swarm')
        if not self.module.check_mode:
            self.join()
            after = membership_view(self.info_swarm())
            self.check_role(after['role'], joined=True)
        return self.result(before, after)

    def join(self):
        params = self.params
        where = ', '.join(params['remote_addrs'])
        refused = self.attempt('joining the swarm at %s' % where, self.client.join_swarm,
                               remote_addrs=params['remote_addrs'], join_token=params['join_token'],
                               listen_addr=params['listen_addr'], advertise_addr=params.get('advertise_addr'),
                               data_path_addr=params.get('data_path_addr'))
        if refused is None:
            return
        # The join may have finished in the background after all; otherwise leave the attempt, so the
        # node is not left pending or in error and a rerun starts from a node in no swarm.
        info = self.settled_info()
        if info.get('LocalNodeState') == 'active' and same_swarm(params['remote_addrs'], info.get('RemoteManagers')):
            return
        left = ''
        if info.get('LocalNodeState') in STUCK_STATES:
            self.client.call('leaving the unfinished join', self.client.leave_swarm, force=True)
            left = '; the unfinished join was left again, so the node is in no swarm'
        reason = api_reason(refused)
        hint = ''
        if 'timeout' in reason.lower():
            hint = ('. Check that this node reaches a manager at %s (port 2377 by default), and that the managers '
                    'reach this node at its advertise_addr' % where)
        self.fail('joining the swarm at %s failed: %s%s%s' % (where, reason, left, hint))

    def check_role(self, actual, joined=False):
        wanted = self.params.get('role')
        if wanted and actual != wanted:
            # The token, not the request, decides the role; changing it later is a manager's job.
            self.fail('%s the swarm as a %s, not a %s: %s' % (
                'joined' if joined else 'is in', actual, wanted,
                'the join token given is the %s token' % actual if joined else
                'change its role from a manager with state=node_present, node=%s, role=%s' % (self.host, wanted)))

    def state_absent(self):
        info = self.settled_info()
        before = membership_view(info)
        if before['local_node_state'] == 'inactive':
            return self.result(before, before)
        if before['role'] == 'manager' and not self.params['force']:
            managers = info.get('Managers') or 0
            if managers <= 1:
                self.fail('this node is the last manager of swarm %s: leaving erases the swarm (its services, '
                          'networks, secrets and configs). Set force=true to leave and destroy it, or promote '
                          'another node to manager first' % before['cluster_id'])
            self.fail('this node is one of %d managers of swarm %s: demote it first from a manager '
                      '(state=node_present, node=%s, role=worker) so the swarm keeps its quorum, or set force=true'
                      % (managers, before['cluster_id'], self.host))
        # A node stuck in a join is in no swarm that works: leaving it needs force, and loses nothing.
        force = self.params['force'] or before['local_node_state'] in STUCK_STATES
        self.act('leave', 'this node is in swarm %s' % (before['cluster_id'] or 'with managers ' + ', '.join(before['managers'])))
        after = inactive_view()
        if not self.module.check_mode:
            self.client.call('leaving the swarm', self.client.leave_swarm, force=force)
            after = membership_view(self.info_swarm())
        return self.result(before, after)

    def nodes(self):
        return self.client.call('listing the swarm nodes', self.client.swarm_nodes)

    def state_node_present(self):
        self.require_manager(self.settled_info(), 'state=node_present')
        name = self.params['node']
        nodes = self.nodes()
        found = [node for node in find_nodes(nodes, name) if (node.get('Status') or {}).get('State') != 'down']
        if not found:
            self.fail('node "%s" is not a live member of this swarm: join it (state=joined on that host) first' % name)
        if len(found) > 1:
            self.fail('node "%s" is ambiguous: several live nodes have that hostname (%s); give the node ID'
                      % (name, ', '.join(node['ID'] for node in found)))
        node = found[0]
        before = node_view(node)
        after = wanted_node(before, self.params)
        fields = changed_fields(before, after)
        if before['role'] == 'manager' and after['role'] == 'worker':
            problem = demotion_problem(nodes, node['ID'])
            if problem:
                self.fail('node "%s" is not demoted: %s. Bring the unreachable managers back (or promote '
                          'another node) first' % (name, problem))
        if fields:
            self.act('update node %s' % before['hostname'], 'differs: %s' % ', '.join(fields))
            if not self.module.check_mode:
                self.client.call('updating node %s' % name, self.client.update_node, node['ID'],
                                 node['Version']['Index'], node_spec(node.get('Spec'), after))
                after = node_view(self.client.call('inspecting node %s' % name, self.client.inspect_node, node['ID']))
        return self.result(before, after)

    def state_node_absent(self):
        self.require_manager(self.settled_info(), 'state=node_absent')
        name = self.params['node']
        found = find_nodes(self.nodes(), name)
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
                self.client.call('removing node %s (%s)' % (view['hostname'], view['id']), self.client.remove_node,
                                 view['id'], force=self.params['force'])
        return self.result(before, {'nodes': []})


def run(module):
    """The swarm module's result; raises ModuleFailure."""
    return SwarmRunner(module, DockerClient(module)).run()
