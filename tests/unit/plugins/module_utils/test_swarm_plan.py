# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm_overlay role's plan across the fleet, from each host's gathered membership."""

from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_plan import swarm_plan

ADDRESSES = {'h1': '10.0.0.1', 'h2': '10.0.0.2', 'h3': '10.0.0.3'}


def fresh(host):
    return {'local_node_state': 'inactive', 'node_address': None, 'role': None, 'cluster_id': None, 'managers': []}


def manager(host, cluster, managers):
    return {'local_node_state': 'active', 'node_address': ADDRESSES[host], 'role': 'manager', 'cluster_id': cluster,
            'managers': ['%s:2377' % ADDRESSES[m] for m in managers]}


def worker(host, managers):
    return {'local_node_state': 'active', 'node_address': ADDRESSES[host], 'role': 'worker', 'cluster_id': None,
            'managers': ['%s:2377' % ADDRESSES[m] for m in managers]}


def test_a_fresh_fleet_creates_on_the_init_host_and_joins_the_rest():
    plan = swarm_plan(['h1'], ['h2', 'h3'], {h: fresh(h) for h in ADDRESSES}, 'h1')
    assert plan['problems'] == []
    assert (plan['swarm_host'], plan['create'], plan['control_host'], plan['control_is_manager']) == ('h1', True, 'h1', False)
    assert plan['joins'] == {'h2': 'worker', 'h3': 'worker'}
    assert plan['hosts'] == {'h1': 'create the swarm', 'h2': 'join the swarm on h1 as a worker',
                             'h3': 'join the swarm on h1 as a worker'}


def test_a_run_that_would_create_a_swarm_needs_the_init_host_among_its_managers():
    # AWX/AAP job slices: each slice's managers group holds only its own hosts, so h2's slice cannot
    # see h1's swarm being created at the same time; only the init host may create one.
    fleet = {h: fresh(h) for h in ADDRESSES}
    unset = swarm_plan(['h1', 'h2'], ['h3'], fleet)
    assert unset['problems'] == [
        'no host of the managers group (h1, h2) is in a swarm, so this run would create one, but swarm_overlay_init_host '
        'is not set: set it (a group variable) to the manager that creates the swarm, so that runs which see part of the '
        'fleet (--limit, AWX/AAP job slices) cannot each create their own; nothing was changed']
    assert not unset['create'] and unset['joins'] == {}
    other_slice = swarm_plan(['h2'], [], {'h2': fresh('h2')}, 'h1')
    assert other_slice['problems'] == [
        'no host of the managers group (h2) is in a swarm, and swarm_overlay_init_host h1, which creates it, is not a manager '
        'in this run: a run that sees part of the fleet must not create a second swarm. Run h1 first, or with these hosts; '
        'nothing was changed']
    a_worker = swarm_plan(['h1'], ['h2'], {'h1': fresh('h1'), 'h2': fresh('h2')}, 'h2')
    assert a_worker['problems'] == ['swarm_overlay_init_host h2 is in this run but not in the managers group (h1): it '
                                    'creates the swarm as its first manager, so it must be one; nothing was changed']
    own_slice = swarm_plan(['h1'], [], {'h1': fresh('h1')}, 'h1')
    assert own_slice['problems'] == [] and own_slice['create'] and own_slice['swarm_host'] == 'h1'
    # Once a swarm exists, the init host is not needed: h2 joins the one h1 leads.
    joined = swarm_plan(['h1', 'h2'], ['h3'], {'h1': manager('h1', 'c1', ['h1']), 'h2': fresh('h2'), 'h3': fresh('h3')})
    assert joined['problems'] == [] and joined['joins'] == {'h2': 'manager', 'h3': 'worker'}


def test_a_fresh_first_manager_joins_the_swarm_another_manager_leads():
    memberships = {'h1': fresh('h1'), 'h2': manager('h2', 'c2', ['h2']), 'h3': worker('h3', ['h2'])}
    plan = swarm_plan(['h1', 'h2'], ['h3'], memberships)
    assert plan['problems'] == []
    assert (plan['swarm_host'], plan['create'], plan['cluster_id'], plan['swarm_address']) == ('h2', False, 'c2', '10.0.0.2')
    assert plan['joins'] == {'h1': 'manager'}
    assert plan['hosts']['h3'] == 'a worker of the swarm on h2 already'


def test_two_swarms_among_the_managers_are_one_problem_naming_hosts_and_ids():
    memberships = {'h1': manager('h1', 'c1', ['h1']), 'h2': manager('h2', 'c2', ['h2']), 'h3': fresh('h3')}
    plan = swarm_plan(['h1', 'h2'], ['h3'], memberships)
    assert plan['problems'] == [
        'the managers group holds 2 different swarms: swarm c1 (managers h1); swarm c2 (managers h2). A host can be '
        'in one swarm only: make the hosts of all but one leave theirs (fleetnet.docker.swarm state=absent, '
        'force=true), or take them out of the managers group']
    assert plan['joins'] == {} and plan['swarm_host'] is None


def test_changed_managers_promote_before_they_demote():
    swarm = ['h1', 'h2']
    memberships = {'h1': manager('h1', 'c1', swarm), 'h2': manager('h2', 'c1', swarm), 'h3': worker('h3', swarm)}
    plan = swarm_plan(['h2', 'h3'], ['h1'], memberships)
    assert plan['problems'] == []
    assert (plan['swarm_host'], plan['promote'], plan['demote']) == ('h2', ['h3'], ['h1'])


def test_a_swarm_led_only_by_hosts_now_in_the_workers_group_is_kept():
    swarm = ['h2', 'h3']
    memberships = {'h1': worker('h1', swarm), 'h2': manager('h2', 'c1', swarm), 'h3': manager('h3', 'c1', swarm)}
    plan = swarm_plan(['h1'], ['h2', 'h3'], memberships)
    assert plan['problems'] == []
    assert (plan['swarm_host'], plan['control_host'], plan['create']) == ('h2', 'h1', False)
    assert plan['promote'] == ['h1']
    # The swarm host is demoted last, by the manager that stays.
    assert plan['demote'] == ['h3', 'h2']


def test_a_stuck_node_joins_again():
    memberships = {'h1': manager('h1', 'c1', ['h1']), 'h2': dict(fresh('h2'), local_node_state='error')}
    plan = swarm_plan(['h1'], ['h2'], memberships)
    assert plan['joins'] == {'h2': 'worker'}
    assert plan['hosts']['h2'] == 'leave an unfinished join (swarm state error), then join the swarm on h1 as a worker'


def test_hosts_in_another_swarm_are_problems():
    memberships = {'h1': manager('h1', 'c1', ['h1']), 'h2': worker('h2', ['h3']), 'h3': manager('h3', 'c3', ['h3'])}
    problems = swarm_plan(['h1'], ['h2', 'h3'], memberships)['problems']
    assert problems == [
        'h2 is a worker of another swarm (managers 10.0.0.3:2377), not of swarm c1 on h1: make it leave that swarm '
        'first (fleetnet.docker.swarm state=absent)',
        'h3 is a manager of swarm c3, not of swarm c1 on h1: make it leave that swarm first (fleetnet.docker.swarm '
        'state=absent, force=true)']


def test_a_manager_that_could_not_be_read_stops_the_plan():
    plan = swarm_plan(['h1', 'h2'], ['h3'], {'h1': fresh('h1'), 'h3': fresh('h3')})
    assert plan['problems'] == ['the swarm membership of h2 (managers group) could not be read (unreachable, failed or '
                                'not in this run): without every manager the run cannot tell which swarm they form']
    assert plan['joins'] == {}


def test_a_worker_that_could_not_be_read_is_left_alone():
    plan = swarm_plan(['h1'], ['h2', 'h3'], {'h1': fresh('h1'), 'h2': fresh('h2')}, 'h1')
    assert plan['problems'] == [] and plan['hosts']['h3'] == 'not read in this run: left alone'


def test_a_host_in_both_groups_and_a_locked_host_are_problems():
    memberships = {'h1': fresh('h1'), 'h2': dict(fresh('h2'), local_node_state='locked')}
    assert swarm_plan(['h1', 'h2'], ['h1'], memberships)['problems'] == [
        'h1 is in both the managers and the workers group: a host has one swarm role']
    assert swarm_plan(['h1'], ['h2'], memberships, 'h1')['problems'] == [
        'h2: the swarm is locked on this host (autolock): unlock it with "docker swarm unlock" and the unlock key, '
        'then run again']


def with_nodes(membership, host, nodes):
    """`membership` of `host` (node ID "id-<host>") with the node list a manager's gather returns."""
    return dict(membership, node_id='id-' + host, nodes=[
        {'id': 'id-' + name, 'hostname': name, 'role': role,
         'manager_reachability': reachability if role == 'manager' else None}
        for name, role, reachability in nodes])


def test_a_demotion_that_would_lose_the_quorum_is_a_problem_before_any_change():
    # h3 (a manager) is cut off and could not be read; demoting h2 would leave h1 and h3, one reachable.
    nodes = [('h1', 'manager', 'reachable'), ('h2', 'manager', 'reachable'), ('h3', 'manager', 'unreachable')]
    swarm = ['h1', 'h2', 'h3']
    memberships = {'h1': with_nodes(manager('h1', 'c1', swarm), 'h1', nodes),
                   'h2': with_nodes(manager('h2', 'c1', swarm), 'h2', [])}
    plan = swarm_plan(['h1'], ['h2', 'h3'], memberships)
    assert plan['demote'] == ['h2']
    assert plan['problems'] == [
        'node "h2" is not demoted: the 2 managers left would have 1 reachable (2 needed for a quorum; '
        'unreachable: h3). Bring the unreachable managers back (or keep more managers in the managers group) '
        'and run again; nothing was changed']


def test_the_same_demotion_with_every_manager_reachable_is_planned():
    nodes = [('h1', 'manager', 'reachable'), ('h2', 'manager', 'reachable'), ('h3', 'manager', 'reachable')]
    swarm = ['h1', 'h2', 'h3']
    memberships = {host: with_nodes(manager(host, 'c1', swarm), host, nodes if host == 'h1' else []) for host in swarm}
    plan = swarm_plan(['h1'], ['h2', 'h3'], memberships)
    assert plan['problems'] == []
    assert plan['demote'] == ['h2', 'h3']


def test_a_promotion_made_first_counts_towards_the_quorum_of_a_demotion():
    # h3 is an unreachable manager outside both groups; h4 is promoted before h2 is demoted.
    nodes = [('h1', 'manager', 'reachable'), ('h2', 'manager', 'reachable'), ('h3', 'manager', 'unreachable'),
             ('h4', 'worker', None)]
    swarm = ['h1', 'h2', 'h3']
    memberships = {'h1': with_nodes(manager('h1', 'c1', swarm), 'h1', nodes),
                   'h2': with_nodes(manager('h2', 'c1', swarm), 'h2', []),
                   'h4': with_nodes(dict(worker('h3', swarm), node_address='10.0.0.4'), 'h4', [])}
    plan = swarm_plan(['h1', 'h4'], ['h2'], memberships)
    assert (plan['promote'], plan['demote'], plan['problems']) == (['h4'], ['h2'], [])
    # Without h4 in the managers group the same demotion is refused.
    plan = swarm_plan(['h1'], ['h2', 'h4'], memberships)
    assert plan['problems'] and plan['problems'][0].startswith('node "h2" is not demoted: the 2 managers left')
