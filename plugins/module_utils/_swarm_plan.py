# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm_overlay role's fleet-level plan: which swarm the managers form and what each host does.

Private to this collection; the ``fleetnet.docker.swarm_plan`` filter is its only caller. Pure logic
over what ``fleetnet.docker.swarm`` with ``state: gathered`` returned on every host, so that every
problem is found before the first change on any host.
"""

from ansible_collections.fleetnet.docker.plugins.module_utils._swarm import STUCK_STATES, quorum_problem, split_address


def _manager_addresses(membership):
    """(host, port) of every manager a node knows, and its own address when it is a manager."""
    addresses = set(split_address(address) for address in membership.get('managers') or [])
    if membership.get('role') == 'manager' and membership.get('node_address'):
        addresses.add(split_address(membership['node_address']))
    return addresses


def _is_manager(membership):
    return membership.get('local_node_state') == 'active' and membership.get('role') == 'manager'


def _find_swarm(managers, memberships, problems, group='managers'):
    """(swarm host, cluster ID) of the one swarm among the managers, (None, None) when there is none."""
    clusters = {}
    for host in managers:
        membership = memberships.get(host)
        if membership and _is_manager(membership):
            clusters.setdefault(membership.get('cluster_id'), []).append(host)
    if len(clusters) > 1:
        problems.append('the %s group holds %d different swarms: %s. A host can be in one swarm only: make '
                        'the hosts of all but one leave theirs (fleetnet.docker.swarm state=absent, force=true), '
                        'or take them out of the managers group' % (group, len(clusters), '; '.join(
                            'swarm %s (managers %s)' % (cluster, ', '.join(hosts)) for cluster, hosts in clusters.items())))
        return None, None
    for cluster, hosts in clusters.items():
        return hosts[0], cluster
    return None, None


def _host_step(host, wanted, membership, swarm_host, cluster_id, swarm_managers):
    """(step, summary, problem) for one host other than the swarm host."""
    state = membership.get('local_node_state') or 'inactive'
    where = 'the swarm on %s' % swarm_host
    if state == 'locked':
        return None, None, ('%s: the swarm is locked on this host (autolock): unlock it with "docker swarm unlock" '
                            'and the unlock key, then run again' % host)
    if state == 'inactive':
        return 'join', 'join %s as a %s' % (where, wanted), None
    if state in STUCK_STATES:
        return 'join', ('leave an unfinished join (swarm state %s), then join %s as a %s' % (state, where, wanted)), None
    if _is_manager(membership):
        if cluster_id is None or membership.get('cluster_id') != cluster_id:
            return None, None, ('%s is a manager of swarm %s, not of %s: make it leave that swarm first '
                                '(fleetnet.docker.swarm state=absent, force=true)'
                                % (host, membership.get('cluster_id'), 'swarm %s on %s' % (cluster_id, swarm_host)
                                   if cluster_id else 'the swarm this run creates on %s' % swarm_host))
        if wanted == 'worker':
            return 'demote', 'demote from manager to worker (once the other managers keep a quorum)', None
        return None, 'a manager of %s already' % where, None
    # An active worker: it cannot tell its swarm's ID, but it knows that swarm's managers.
    if not swarm_managers or not (_manager_addresses(membership) & swarm_managers):
        return None, None, ('%s is a worker of another swarm (managers %s), not of %s: make it leave that swarm first '
                            '(fleetnet.docker.swarm state=absent)'
                            % (host, ', '.join(membership.get('managers') or []) or 'unknown',
                               'swarm %s on %s' % (cluster_id, swarm_host) if cluster_id
                               else 'the swarm this run creates on %s' % swarm_host))
    if wanted == 'manager':
        return 'promote', 'promote from worker to manager', None
    return None, 'a worker of %s already' % where, None


def _quorum_problems(plan, memberships):
    """The demotions of `plan` that would cost the swarm its raft quorum, found before any change.

    Follows the role's order on the swarm host's node list (from `state: gathered`): joined managers
    and promoted workers count as reachable managers, then each demotion must leave a reachable
    majority. The swarm module checks each demotion again when it makes it.
    """
    nodes = memberships[plan['swarm_host']].get('nodes') or []
    if plan['create'] or not plan['demote'] or not nodes:
        return []
    managers = [(node.get('id'), node.get('hostname') or node.get('id'), node.get('manager_reachability') == 'reachable')
                for node in nodes if node.get('role') == 'manager']
    managers += [('join:' + host, host, True) for host, role in plan['joins'].items() if role == 'manager']
    node_ids = dict((host, (memberships.get(host) or {}).get('node_id')) for host in plan['promote'] + plan['demote'])
    managers += [(node_ids[host], host, True) for host in plan['promote']
                 if node_ids[host] not in [manager[0] for manager in managers]]
    problems = []
    for host in plan['demote']:
        problem = quorum_problem(managers, node_ids[host])
        if problem:
            problems.append('node "%s" is not demoted: %s. Bring the unreachable managers back (or keep more managers '
                            'in the managers group) and run again; nothing was changed' % (host, problem))
            break
        managers = [manager for manager in managers if manager[0] != node_ids[host]]
    return problems


def _creator(managers, memberships, init_host, problems):
    """The manager that creates the swarm (swarm_overlay_init_host), or None with the reason in problems."""
    if not init_host:
        problems.append('no host of the managers group (%s) is in a swarm, so this run would create one, but '
                        'swarm_overlay_init_host is not set: set it (a group variable) to the manager that creates '
                        'the swarm, so that runs which see part of the fleet (--limit, AWX/AAP job slices) cannot '
                        'each create their own; nothing was changed' % ', '.join(managers))
        return None
    if init_host not in managers and init_host in memberships:
        problems.append('swarm_overlay_init_host %s is in this run but not in the managers group (%s): it creates the '
                        'swarm as its first manager, so it must be one; nothing was changed' % (init_host, ', '.join(managers)))
        return None
    if init_host not in managers:
        problems.append('no host of the managers group (%s) is in a swarm, and swarm_overlay_init_host %s, which '
                        'creates it, is not a manager in this run: a run that sees part of the fleet must not create '
                        'a second swarm. Run %s first, or with these hosts; nothing was changed'
                        % (', '.join(managers), init_host, init_host))
        return None
    return init_host


def swarm_plan(managers, workers, memberships, init_host=None):
    """The plan of the swarm_overlay role for the hosts of the `managers` and `workers` groups (in order).

    `memberships` maps each host that could be read to its ``swarm`` from ``state: gathered``.
    `init_host` (swarm_overlay_init_host) is the one manager that may create the swarm when none of the
    hosts is in one: a run that sees part of the fleet (AWX/AAP job slices each hold only their own hosts
    in every group) cannot tell that another run creates one at the same time, so creating needs the
    same answer in every run, which a group variable gives and the group's order does not.
    Returns problems (every one found; nothing may change when there is any), swarm_host (the active
    manager of the existing swarm, or the host that creates it), control_host (the manager that demotes
    and declares networks: the swarm host, unless it is in the workers group), control_is_manager
    (whether it is one already), create, cluster_id, swarm_address,
    joins (host -> manager or worker), promote, demote (hosts, in order) and hosts (host -> what it does).
    """
    managers, workers = list(managers or []), list(workers or [])
    memberships = dict(memberships or {})
    problems = []
    plan = {'problems': problems, 'swarm_host': None, 'control_host': None, 'control_is_manager': False,
            'create': False, 'cluster_id': None, 'swarm_address': None,
            'joins': {}, 'promote': [], 'demote': [], 'hosts': {}}
    for host in managers:
        if host in workers:
            problems.append('%s is in both the managers and the workers group: a host has one swarm role' % host)
    if not managers:
        problems.append('the managers group is empty: a swarm needs at least one manager')
    unread = [host for host in managers if host not in memberships]
    if unread:
        problems.append('the swarm membership of %s (managers group) could not be read (unreachable, failed or not '
                        'in this run): without every manager the run cannot tell which swarm they form' % ', '.join(unread))
    if problems:
        return plan
    swarm_host, cluster_id = _find_swarm(managers, memberships, problems)
    if swarm_host is None and not problems:
        # Managers change: the swarm may still be led only by hosts now in the workers group.
        swarm_host, cluster_id = _find_swarm([host for host in workers if host in memberships], memberships,
                                             problems, group='workers')
    if problems:
        return plan
    if swarm_host is None:
        swarm_host = _creator(managers, memberships, init_host, problems)
        if swarm_host is None:
            return plan
        plan['create'] = True
    swarm = memberships[swarm_host]
    # The manager that demotes and declares the networks: one that stays a manager after this run.
    control_host = swarm_host if swarm_host in managers else managers[0]
    plan.update(swarm_host=swarm_host, cluster_id=cluster_id, control_host=control_host,
                control_is_manager=not plan['create'] and control_host == swarm_host,
                swarm_address=swarm.get('node_address') if not plan['create'] else None)
    plan['hosts'][swarm_host] = ('create the swarm' if plan['create'] else 'a manager of swarm %s already' % cluster_id)
    if swarm_host in workers:
        plan['hosts'][swarm_host] += '; demoted to worker last, by %s' % control_host
    if plan['create'] and memberships[swarm_host].get('local_node_state') == 'active':
        problems.append('%s is a worker of a swarm whose managers (%s) are not in the managers group: promote it '
                        'there, or make it leave that swarm first' % (swarm_host, ', '.join(swarm.get('managers') or [])))
        return plan
    if plan['create'] and swarm.get('local_node_state') in STUCK_STATES:
        plan['hosts'][swarm_host] = ('leave an unfinished join (swarm state %s), then create the swarm'
                                     % swarm.get('local_node_state'))
    swarm_managers = _manager_addresses(swarm) if not plan['create'] else set()
    for host in managers + workers:
        if host == swarm_host:
            continue
        if host not in memberships:
            plan['hosts'][host] = 'not read in this run: left alone'
            continue
        wanted = 'manager' if host in managers else 'worker'
        step, summary, problem = _host_step(host, wanted, memberships[host], swarm_host, cluster_id, swarm_managers)
        if problem:
            problems.append(problem)
            continue
        plan['hosts'][host] = summary
        if step == 'join':
            plan['joins'][host] = wanted
        elif step in ('promote', 'demote'):
            plan[step].append(host)
    if swarm_host in workers:
        plan['demote'].append(swarm_host)
    problems.extend(_quorum_problems(plan, memberships))
    return plan
