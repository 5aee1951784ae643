# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan role's fleet plan: per-host slices and configs, and every problem of every host at once."""

from ansible_collections.fleetnet.docker.plugins.module_utils._macvlan_role import fleet_plan

HOSTS = ['h1', 'h2', 'h3']
LAN = dict(name='lan', parent='eth0', subnet='192.168.10.0/24', gateway='192.168.10.1',
           ip_range_pool='192.168.10.128/25', slice_prefix_length=28)


def inputs(networks, **per_host):
    """The role's input for h1-h3, pinned to slices 0-2; per_host maps a host to fields of its own."""
    result = []
    for number, host in enumerate(HOSTS):
        given = dict(host=host, networks=networks, state='merged', allow_empty_overridden=False, slice_index=number,
                     slice_address_prefix='', address='10.0.0.1%d' % (number + 1), host_networks=[],
                     managers_group='managers', managers=['h1'])
        given.update(per_host.get(host, {}))
        result.append(given)
    return result


def test_each_host_gets_its_slice_and_the_configs_of_the_modules():
    plan = fleet_plan(inputs([dict(LAN, shim=True, aux_addresses={'printer': '192.168.10.130'})]))
    assert plan['problems'] == [] and plan['message'] == ''
    h2 = plan['hosts']['h2']
    assert h2['slices'] == {'lan': '192.168.10.144/28'}
    assert h2['macvlan'] == [{'name': 'lan', 'parent': 'eth0', 'subnets': [{
        'subnet': '192.168.10.0/24', 'gateway': '192.168.10.1', 'ip_range': '192.168.10.144/28',
        'aux_addresses': {'printer': '192.168.10.130', 'host-shim': '192.168.10.159'}}]}]
    assert h2['links'] == [{'type': 'shim', 'name': 'lan-shim', 'parent': 'eth0', 'address': '192.168.10.159/32',
                            'routes': ['192.168.10.144/28']}]
    assert h2['ipvlan'] == h2['swarm_macvlan'] == []


def test_a_pinned_slice_number_gives_the_host_that_slice():
    plan = fleet_plan(inputs([LAN], h3={'slice_index': '5'}))
    assert plan['hosts']['h3']['slices'] == {'lan': '192.168.10.208/28'}
    assert plan['hosts']['h1']['slices'] == {'lan': '192.168.10.128/28'}


def test_vlan_swarm_and_ipvlan_networks():
    networks = [dict(LAN, vlan_id=30, promiscuous=True, swarm=True, attachable=True, labels={'a': 'b'}),
                dict(LAN, name='l3', driver='ipvlan', parent='eth1', mode='l3', flag='private')]
    plan = fleet_plan(inputs(networks))['hosts']['h1']
    assert plan['links'] == [{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 30}, {'type': 'promiscuous', 'name': 'eth0'}]
    assert plan['macvlan'][0]['name'] == 'lan-config' and plan['macvlan'][0]['config_only'] is True
    assert plan['macvlan'][0]['parent'] == 'eth0.30' and plan['macvlan'][0]['labels'] == {'a': 'b'}
    assert plan['swarm_macvlan'] == [{'name': 'lan', 'config_from': 'lan-config', 'scope': 'swarm', 'attachable': True}]
    assert plan['ipvlan'][0]['mode'] == 'l3' and plan['ipvlan'][0]['flag'] == 'private'
    assert 'flag' not in plan['macvlan'][0]


def test_every_problem_of_every_host_at_once():
    bad = [dict(LAN, driver='ipvlan', mode='bridge', shim=True, ip_range_pool='192.168.10.64/29', slice_prefix_length=30),
           dict(LAN, name='far', ip_range_pool='10.0.0.0/26'),
           dict(LAN, name='long', shim=True, shim_name='much-too-long-shim', attachable=True, flag='bridge'),
           dict(LAN, name='nomgr', swarm=True)]
    plan = fleet_plan(inputs(bad, h3={'managers': []}))
    lines = plan['problems']
    assert 'h1: macvlan_networks[0] (lan): mode bridge is not one of the ipvlan modes (l2, l3, l3s)' in lines
    assert 'h1: macvlan_networks[0] (lan): shim is only for macvlan networks' in lines
    assert 'h1: macvlan_networks[1] (far): ip_range_pool 10.0.0.0/26 is outside subnet 192.168.10.0/24' in lines
    assert ('h3: macvlan_networks[0] (lan): ip_range_pool 192.168.10.64/29 holds 2 slices of /30, too few for this '
            "host's slice number 2: widen the pool or lengthen slice_prefix_length") in lines
    assert not any(line.startswith(('h1', 'h2')) and 'too few' in line for line in lines)
    assert ('h2: macvlan_networks[2] (long): the shim name "much-too-long-shim" is not a valid interface name '
            '(1-15 characters, no "/", ":" or spaces) (a Linux limit); set shim_name') in lines
    assert 'h2: macvlan_networks[2] (long): attachable is only for swarm networks (swarm: true)' in lines
    assert 'h2: macvlan_networks[2] (long): flag is only for ipvlan networks' in lines
    assert 'h3: macvlan_networks[3] (nomgr): swarm needs managers, but the group macvlan_managers_group ("managers") is empty' in lines
    assert plan['message'].startswith('macvlan role: %d problems, nothing was changed on any host: h1: ' % len(lines))
    # Networks without problems are still planned (the role stops on the message either way).
    assert [network['name'] for network in plan['hosts']['h1']['macvlan']] == ['nomgr-config']


def test_a_shim_needs_room_in_the_slice_and_a_slice_must_fit_the_pool():
    lines = fleet_plan(inputs([dict(LAN, shim=True, slice_prefix_length=31), dict(LAN, name='x', slice_prefix_length=24)]))['problems']
    assert 'h1: macvlan_networks[0] (lan): a /31 slice is too small for a shim, which takes one of its addresses' in lines
    assert 'h1: macvlan_networks[1] (x): slice_prefix_length 24 does not fit in ip_range_pool 192.168.10.128/25: it must be from 25 to 32' in lines


def test_bad_cidrs_are_named_with_their_field():
    lines = fleet_plan(inputs([dict(LAN, subnet='192.168.10.0', ip_range_pool='192.168.10.129/25')]))['problems']
    assert 'h1: macvlan_networks[0] (lan): subnet "192.168.10.0" is not in CIDR notation (address/prefix length)' in lines
    assert 'h1: macvlan_networks[0] (lan): ip_range_pool "192.168.10.129/25" has host bits set; the subnet is 192.168.10.128/25' in lines


def test_empty_overridden_is_refused_unless_allowed():
    refused = fleet_plan(inputs([], h1={'state': 'overridden'}, h2={'state': 'overridden', 'allow_empty_overridden': 'True'},
                                h3={'state': 'overridden', 'allow_empty_overridden': True, 'slice_index': ''}))
    assert refused['problems'] == [
        'h1: macvlan_networks: is empty and macvlan_networks_state is overridden, which would remove every macvlan and '
        'ipvlan network of the host: set macvlan_allow_empty_overridden: true if that is what you mean']
    assert refused['message'].endswith('; nothing was changed on any host')


def test_the_slice_a_host_holds_is_kept_also_when_engine_29_hides_it_behind_the_swarm_network():
    swarm = dict(LAN, swarm=True)
    # Engine 29 shows the config-only network's IPAM as null; the swarm network made from it has the range.
    held = [dict(name='lan-config', driver='macvlan', config_only=True, ipam=dict(subnets=[])),
            dict(name='lan', driver='macvlan', config_from='lan-config',
                 ipam=dict(subnets=[dict(subnet='192.168.10.0/24', ip_range='192.168.10.176/28')]))]
    fields = dict((host, dict(slice_index=None, slice_address_prefix='10.0.0.8/29')) for host in HOSTS)
    fields['h2']['host_networks'] = held
    plan = fleet_plan(inputs([swarm], **fields))
    assert plan['problems'] == [
        'h2: holds network lan-config 192.168.10.176/28 (slice 3), but its address 10.0.0.12 is number 4 in 10.0.0.8/29, so '
        'the slice would move (and its network be recreated): set macvlan_slice_index: 3 on this host to keep it']
    assert plan['hosts']['h1']['slices'] == {'lan': '192.168.10.176/28'} and plan['hosts']['h3']['slices'] == {'lan': '192.168.10.208/28'}
    fields = dict((host, dict(slice_index=None)) for host in HOSTS)
    fields['h2']['host_networks'] = held
    kept = fleet_plan([given for given in inputs([swarm], **fields) if given['host'] == 'h2'])
    assert kept['problems'] == [] and kept['hosts']['h2']['slices'] == {'lan': '192.168.10.176/28'}


def test_deleting_needs_no_slice_number():
    plan = fleet_plan(inputs([LAN], **dict((host, dict(state='deleted', slice_index=None)) for host in HOSTS)))
    assert plan['problems'] == [] and plan['hosts']['h1']['macvlan'][0]['name'] == 'lan'
