# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge role's fleet plan: per-host subnets, routes and daemon defaults, and every problem at once."""

from ansible_collections.fleetnet.docker.plugins.module_utils._bridge_role import fleet_plan

HOSTS = ['h1', 'h2', 'h3']
ADDRESSES = dict(h1='10.0.0.11', h2='10.0.0.12', h3='10.0.0.13')
ROUTED = dict(name='pods', subnet_pool='10.60.0.0/16', subnet_prefix_length=24, routed=True)
LAN = [dict(interface='eth0', prefix='10.0.0.0/24', kind='address')]


def inputs(networks, **per_host):
    """The role's input for h1-h3 on Engine 28.5; per_host maps a host to fields of its own."""
    result = []
    for number, host in enumerate(HOSTS):
        given = dict(host=host, networks=networks, state='merged', slice_index=number, slice_address_prefix='',
                     hosts_in_group=HOSTS, engine_version='28.5.2+dfsg4', address=ADDRESSES[host], prefixes=LAN,
                     bridges={}, daemon={}, manager=False, restart_batch=1)
        given.update(per_host.get(host, {}))
        result.append(given)
    return result


def test_a_routed_pool_network_gives_each_host_its_subnet_and_routes_to_the_others():
    plan = fleet_plan(inputs([dict(ROUTED, labels={'app': 'x'})]))
    assert plan['problems'] == []
    h2 = plan['hosts']['h2']
    assert h2['networks'] == [{'name': 'pods', 'subnets': [{'subnet': '10.60.1.0/24'}], 'labels': {'app': 'x'},
                               'gateway_mode_ipv4': 'routed'}]
    assert h2['routes'] == [{'destination': '10.60.0.0/24', 'via': '10.0.0.11'},
                            {'destination': '10.60.2.0/24', 'via': '10.0.0.13'}]


def test_the_same_subnet_on_every_host_is_no_overlap_and_has_no_routes():
    plan = fleet_plan(inputs([dict(name='web', subnet='10.70.0.0/24', gateway='10.70.0.1', internal=True)]))
    assert plan['problems'] == []
    assert plan['hosts']['h3']['networks'] == [{'name': 'web', 'subnets': [{'subnet': '10.70.0.0/24', 'gateway': '10.70.0.1'}],
                                                'internal': True}]
    assert plan['hosts']['h3']['routes'] == []


def test_a_host_added_later_keeps_the_others_subnets():
    two = fleet_plan([given for given in inputs([ROUTED], h1={'hosts_in_group': ['h1', 'h2']}, h2={'hosts_in_group': ['h1', 'h2']})
                      if given['host'] != 'h3'])
    three = fleet_plan(inputs([ROUTED]))
    for host in ('h1', 'h2'):
        assert two['hosts'][host]['subnets'] == three['hosts'][host]['subnets']
    assert three['hosts']['h3']['subnets'] == {'pods': '10.60.2.0/24'}


def test_a_pinned_slice_number_wins_and_two_hosts_on_one_number_are_named():
    plan = fleet_plan(inputs([ROUTED], h3={'slice_index': 1}))
    assert 'h2: slice number 1 is also the one of h3, so their slices would collide: give each host its own bridge_slice_index' \
        in plan['problems']
    assert 'h3: slice number 1 is also the one of h2' in plan['message']
    assert 'h2: bridge_networks (pods): subnet 10.60.1.0/24 overlaps 10.60.1.0/24 of network pods on h3' in plan['problems']
    assert plan['message'].startswith('bridge role: 3 problems, nothing was changed on any host')


def test_every_problem_of_every_host_at_once():
    networks = [dict(name='small', subnet_pool='10.61.0.0/30', subnet_prefix_length=31),
                dict(name='both', subnet='10.62.0.0/24', subnet_pool='10.62.0.0/16'),
                dict(name='lanlike', subnet_pool='10.0.0.0/16', subnet_prefix_length=24),
                dict(name='wrong', subnet='10.63.0.0/24', routed=True, colour='red')]
    problems = fleet_plan(inputs(networks))['problems']
    assert "h3: bridge_networks[0] (small): subnet_pool 10.61.0.0/30 holds 2 slices of /31, too few for this host's " \
           "slice number 2: widen the pool or lengthen subnet_prefix_length" in problems
    assert 'h1: bridge_networks[1] (both): give subnet (the same on every host) or subnet_pool (each host its own), not both' in problems
    assert 'h1: bridge_networks (lanlike): subnet 10.0.0.0/24 overlaps address 10.0.0.0/24 of interface eth0 on h1, h2, h3' in problems
    assert 'h2: bridge_networks[3] (wrong): unknown field colour' in problems
    assert 'h2: bridge_networks[3] (wrong): routed needs subnet_pool: a route to the same subnet on every host leads nowhere' in problems


def test_subnets_of_two_networks_on_different_hosts_overlap():
    networks = [dict(name='a', subnet_pool='10.64.0.0/16', subnet_prefix_length=24),
                dict(name='b', subnet_pool='10.64.0.0/23', subnet_prefix_length=24)]
    problems = fleet_plan(inputs(networks, h3={'networks': networks[:1]}))['problems']
    # h1's a (10.64.0.0/24) is h1's b, and h2's b (10.64.1.0/24) is h2's a; h3 has only a (10.64.2.0/24).
    assert 'h1: bridge_networks (a): subnet 10.64.0.0/24 overlaps 10.64.0.0/24 of network b on h1' in problems
    assert 'h1: bridge_networks (b): subnet 10.64.0.0/24 overlaps 10.64.0.0/24 of network a on h1' not in problems
    assert 'h2: bridge_networks (a): subnet 10.64.1.0/24 overlaps 10.64.1.0/24 of network b on h2' in problems
    assert not [line for line in problems if line.startswith('h3')]


def test_a_subnet_overlapping_another_hosts_route_is_named_but_its_own_bridge_is_not():
    routes = LAN + [dict(interface='wg0', prefix='10.60.2.0/23', kind='route')]
    plan = fleet_plan(inputs([ROUTED], h1={'prefixes': routes},
                             h2={'prefixes': LAN + [dict(interface='br-0123456789ab', prefix='10.60.1.0/24', kind='address')],
                                 'host_networks': [dict(name='pods', driver='bridge', id='0123456789abcdef', options={})]}))
    assert plan['problems'] == ['h3: bridge_networks (pods): subnet 10.60.2.0/24 overlaps route 10.60.2.0/23 of interface wg0 on h1']


def test_routed_is_refused_on_engines_before_27_naming_host_network_option_and_versions():
    plan = fleet_plan(inputs([ROUTED], h2={'engine_version': '20.10.24+dfsg1'}))
    assert plan['problems'] == ['h2: bridge_networks[0] (pods): routed (gateway_mode_ipv4 routed) needs Docker Engine 27.0 '
                                'or newer; this host runs 20.10.24+dfsg1']


def test_routed_needs_each_host_its_own_address():
    plan = fleet_plan(inputs([ROUTED], h3={'address': '10.0.0.12'}, h1={'address': 'docker1.example'}))
    assert "h1: bridge_networks[0] (pods): routed needs the host's address, which the other hosts route through: " \
           "bridge_host_address \"docker1.example\" is not an IP address" in plan['problems']
    assert "h2: bridge_host_address: is 10.0.0.12, the same as h3's: routed network pods needs each host's own address" in plan['problems']


def holding(subnet, name='pods'):
    """networks_info's networks of a host that has the bridge network ``name`` on ``subnet``."""
    return {'host_networks': [dict(name=name, driver='bridge', id='0' * 64, ipam=dict(subnets=[dict(subnet=subnet)]))]}


def test_deleted_names_only_and_removes_the_routes_to_the_subnets_the_hosts_hold():
    held = dict(h1=holding('10.60.0.0/24'), h2=holding('10.60.7.0/24'), h3={})
    plan = fleet_plan(inputs([ROUTED], **dict((host, dict(held[host], state='deleted', slice_index=None)) for host in HOSTS)))
    assert plan['problems'] == []
    assert plan['hosts']['h1']['networks'] == [{'name': 'pods'}]
    assert plan['hosts']['h1']['routes'] == [{'destination': '10.60.7.0/24', 'via': '10.0.0.12'}]
    assert plan['hosts']['h3']['routes'] == [{'destination': '10.60.0.0/24', 'via': '10.0.0.11'},
                                             {'destination': '10.60.7.0/24', 'via': '10.0.0.12'}]


def unpinned(**per_host):
    """inputs() without pins: each host numbered by what it holds or by its address in 10.0.0.0/24."""
    fields = dict((host, dict(slice_index=None, slice_address_prefix='10.0.0.0/24')) for host in HOSTS)
    for host, own in per_host.items():
        fields[host].update(own)
    return fields


def test_the_address_in_the_declared_prefix_numbers_a_host_whatever_the_others_in_the_run():
    whole = fleet_plan(inputs([ROUTED], **unpinned()))
    assert whole['problems'] == []
    assert [whole['hosts'][host]['subnets'] for host in HOSTS] == [{'pods': '10.60.11.0/24'}, {'pods': '10.60.12.0/24'},
                                                                   {'pods': '10.60.13.0/24'}]
    # A slice of the run (or --limit) that holds h3 alone, or the hosts reversed: h3's subnet stays.
    alone = fleet_plan([given for given in inputs([ROUTED], **unpinned()) if given['host'] == 'h3'])
    reversed_run = fleet_plan(list(reversed(inputs([ROUTED], **unpinned()))))
    assert alone['hosts']['h3']['subnets'] == reversed_run['hosts']['h3']['subnets'] == {'pods': '10.60.13.0/24'}


def test_a_held_slice_is_kept_without_a_prefix_and_a_host_without_one_is_refused():
    fields = unpinned(h1=dict(holding('10.60.5.0/24'), slice_address_prefix=''), h2=dict(holding('10.60.9.0/24'), slice_address_prefix=''),
                      h3=dict(slice_address_prefix=''))
    plan = fleet_plan(inputs([ROUTED], **fields))
    assert plan['problems'] == [
        'h3: holds no slice yet and has no way to a number of its own: set bridge_slice_address_prefix (the prefix that holds '
        'every host\'s bridge_host_address) or bridge_slice_index on this host. Group order does not number slices: a sliced '
        'or limited run, or a reordered inventory, would give this host a slice another host holds']
    fields['h3'] = dict(slice_address_prefix='')
    kept = fleet_plan([given for given in inputs([ROUTED], **fields) if given['host'] != 'h3'])
    assert kept['problems'] == []
    assert kept['hosts']['h1']['subnets'] == {'pods': '10.60.5.0/24'}
    assert kept['hosts']['h2']['routes'] == [{'destination': '10.60.5.0/24', 'via': '10.0.0.11'}]


def test_a_held_slice_that_is_not_the_address_number_is_refused_naming_the_pin_that_keeps_it():
    plan = fleet_plan(inputs([ROUTED], **unpinned(h2=holding('10.60.1.0/24'))))
    assert plan['problems'] == [
        'h2: holds network pods 10.60.1.0/24 (slice 1), but its address 10.0.0.12 is number 12 in 10.0.0.0/24, so the slice '
        'would move (and its network be recreated): set bridge_slice_index: 1 on this host to keep it']
    pinned = fleet_plan(inputs([ROUTED], **unpinned(h2=dict(holding('10.60.1.0/24'), slice_index='1'))))
    assert pinned['problems'] == [] and pinned['hosts']['h2']['subnets'] == {'pods': '10.60.1.0/24'}


def test_a_subnet_that_is_no_slice_of_the_pool_is_not_held_and_two_held_numbers_are_refused():
    not_a_slice = fleet_plan(inputs([ROUTED], **unpinned(h1=holding('10.61.0.0/24'), h2=holding('10.60.0.0/25'))))
    assert not_a_slice['problems'] == []
    other = dict(name='web', subnet_pool='10.70.0.0/16', subnet_prefix_length=24)
    host_networks = holding('10.60.3.0/24')['host_networks'] + holding('10.70.4.0/24', 'web')['host_networks']
    two = fleet_plan(inputs([ROUTED, other], **unpinned(h1={'host_networks': host_networks, 'slice_address_prefix': ''})))
    assert two['problems'] == ['h1: holds slices of different numbers (network pods 10.60.3.0/24 (slice 3), network web '
                               '10.70.4.0/24 (slice 4)): set bridge_slice_index on this host to the number to keep']


def test_an_address_outside_the_prefix_and_a_bad_prefix_are_named():
    plan = fleet_plan(inputs([ROUTED], **unpinned(h1={'address': '10.9.0.1'}, h2={'slice_address_prefix': '10.0.0.0/33'})))
    assert any(line.startswith('h1: bridge_host_address: is "10.9.0.1", not an address in bridge_slice_address_prefix '
                               '10.0.0.0/24') for line in plan['problems'])
    assert any(line.startswith('h2: bridge_slice_address_prefix: ') for line in plan['problems'])


def test_the_daemon_pools_the_host_holds_keep_its_number():
    daemon = dict(address_pool='10.200.0.0/16', address_pool_prefix_length=20, address_pool_size=24, bip_pool='10.201.0.0/16',
                  bip_prefix_length=24, current={'default_address_pools': [{'base': '10.200.48.0/20', 'size': 24}], 'bip': '10.201.3.1/24'})
    plan = fleet_plan(inputs([], h1={'daemon': daemon, 'slice_index': None}))
    assert plan['problems'] == []
    assert plan['hosts']['h1']['daemon'] == {'default_address_pools': [{'base': '10.200.48.0/20', 'size': 24}], 'bip': '10.201.3.1/24'}


def test_daemon_defaults_per_host_from_the_fleet_pools():
    daemon = dict(address_pool='10.200.0.0/16', address_pool_prefix_length=20, address_pool_size=24,
                  bip_pool='10.201.0.0/16', bip_prefix_length=24, config={'mtu': 1450})
    plan = fleet_plan(inputs([], **dict((host, {'daemon': daemon}) for host in HOSTS)))
    assert plan['problems'] == []
    assert plan['hosts']['h3']['daemon'] == {'mtu': 1450, 'default_address_pools': [{'base': '10.200.32.0/20', 'size': 24}],
                                             'bip': '10.201.2.1/24'}


def test_a_daemon_pool_too_small_or_overlapping_a_network_is_named():
    daemon = dict(address_pool='10.60.0.0/22', address_pool_prefix_length=23, address_pool_size=16)
    problems = fleet_plan(inputs([ROUTED], **dict((host, {'daemon': daemon}) for host in HOSTS)))['problems']
    assert "h3: bridge_daemon_address_pool 10.60.0.0/22 holds 2 slices of /23, too few for this host's slice number 2: " \
           "widen the pool or lengthen bridge_daemon_address_pool_prefix_length" in problems
    assert "h1: bridge_daemon_address_pool_size 16 does not fit in this host's pool 10.60.0.0/23" in problems
    daemon['address_pool_size'] = 24
    problems = fleet_plan(inputs([ROUTED], **dict((host, {'daemon': daemon}) for host in HOSTS)))['problems']
    assert "h1: bridge_daemon_address_pool: this host's pool 10.60.0.0/23 overlaps 10.60.1.0/24 of network pods on h2" in problems


def test_restarts_take_each_manager_alone_then_batches_of_the_others():
    batches = fleet_plan(inputs([], h1={'manager': True}, h3={'manager': True}, **{'h2': {'restart_batch': 2}}))['restart_batches']
    assert batches == [['h1'], ['h3'], ['h2']]
    hosts = ['h%d' % number for number in range(1, 6)]
    given = [dict(host=host, hosts_in_group=hosts, restart_batch='2', manager=host == 'h4') for host in hosts]
    assert fleet_plan(given)['restart_batches'] == [['h4'], ['h1', 'h2'], ['h3', 'h5']]


def test_a_limited_run_routes_to_the_hosts_it_does_not_reach_when_the_inventory_numbers_them():
    whole = fleet_plan(inputs([ROUTED], **unpinned()))
    peers = [dict(host=host, networks=[ROUTED], state='merged', slice_index=None, slice_address_prefix='10.0.0.0/24',
                  address=ADDRESSES[host]) for host in ('h1', 'h3')]
    limited = fleet_plan([given for given in inputs([ROUTED], **unpinned()) if given['host'] == 'h2'], peers)
    assert limited['problems'] == []
    assert limited['hosts']['h2'] == whole['hosts']['h2']
    blind = fleet_plan([given for given in inputs([ROUTED], **unpinned()) if given['host'] == 'h2'],
                       [dict(peer, slice_address_prefix='') for peer in peers])
    assert blind['problems'][0] == ('h1: is in bridge_hosts_group but not in this run (--limit), and its routed subnet cannot be '
                                    'known without reading it: set bridge_slice_address_prefix or its bridge_slice_index, or run it too')
