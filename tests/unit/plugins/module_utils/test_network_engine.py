# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import format_problem
from ansible_collections.fleetnet.docker.tests.unit import fake_docker
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import (
    attachment_changes, connect_arguments, desired_container, endpoint_from_container)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences, target_config
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import docker_option_text, from_docker, gathered_form, normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.bridge import BridgeDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import static_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import HostPrefix, prefixes_from_json


class GuardedBridge(Driver):
    driver = 'bridge'
    predefined = ('bridge',)

    def protected(self, network):
        return 'the gateway bridge' if network['Name'] == 'gw' else None


SPEC = BridgeDriver()


def docker_network(name, subnets=(), **fields):
    return fake_docker.docker_network(name, subnets, ident=fields.pop('ident', None) or (name * 12)[:64], **fields)


def planned(client, state, configs, spec=None, host_prefixes=(), **options):
    return plan(CurrentState(client, spec or SPEC), state, configs, read_host_prefixes=lambda: list(host_prefixes), **options)


def desired(**item):
    return normalise_desired(SPEC, item)


def probe_container(network, address, aliases, static=True):
    ident = 'c0ffee' * 10 + 'abcd'
    settings = dict(NetworkID=network['Id'], IPAddress=address, Aliases=aliases + [ident[:12]],
                    IPAMConfig=dict(IPv4Address=address) if static else None, Links=None, MacAddress='02:42:0a:00:00:05')
    return dict(Id=ident, Name='/probe', State=dict(Running=True), Config=dict(Labels={}),
                NetworkSettings=dict(Networks={network['Name']: settings}))


def test_from_docker_fills_docker_defaults_and_splits_options():
    network = docker_network('lan', ['10.1.0.0/24'], options={
        'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.driver.mtu': '1400', 'custom': 'x'})
    config = from_docker(SPEC, network)
    assert config['subnets'] == [dict(subnet='10.1.0.0/24', gateway='10.1.0.1', ip_range=None, aux_addresses={})]
    assert config['enable_icc'] is False and config['mtu'] == 1400 and config['bridge_name'] is None
    assert config['driver_opts'] == {'custom': 'x'}
    assert config['internal'] is False


def test_gathered_fed_back_with_replaced_is_no_change():
    network = docker_network('lan', ['10.1.0.0/24', 'fd00:0::/64'], labels={'a': 'b'},
                             options={'com.docker.network.bridge.enable_icc': '1'})
    existing = from_docker(SPEC, network)
    fed_back = desired(**gathered_form(existing))
    assert differences(SPEC, fed_back, existing, 'replaced') == []


def test_normalisation_makes_spellings_equal():
    existing = from_docker(SPEC, docker_network('lan', ['fd00::/64'], options={
        'com.docker.network.bridge.enable_icc': 'true', 'com.docker.network.driver.mtu': '1400'}))
    wanted = desired(name='lan', subnets=[dict(subnet='fd00:0:0::/64', gateway='FD00::1')], enable_icc=True, mtu='1400')
    assert differences(SPEC, wanted, existing, 'replaced') == []
    assert docker_option_text(True) == 'true'
    assert desired(name='x', driver_opts={'k': False})['driver_opts'] == {'k': 'false'}


def test_merged_ignores_extra_labels_replaced_does_not():
    existing = from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], labels={'a': '1', 'extra': '2'}))
    wanted = desired(name='lan', labels={'a': '1'})
    assert differences(SPEC, wanted, existing, 'merged') == []
    assert differences(SPEC, wanted, existing, 'replaced') == ['labels']
    assert differences(SPEC, desired(name='lan', labels={'a': '9'}), existing, 'merged') == ['labels']


def test_merged_compares_only_given_fields_replaced_uses_defaults():
    existing = from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], options={
        'com.docker.network.bridge.enable_icc': 'false'}))
    assert differences(SPEC, desired(name='lan'), existing, 'merged') == []
    assert differences(SPEC, desired(name='lan'), existing, 'replaced') == ['enable_icc']
    changed = desired(name='lan', subnets=[dict(subnet='10.2.0.0/24')], internal=True)
    assert differences(SPEC, changed, existing, 'merged') == ['subnets', 'internal']


def test_merged_target_keeps_what_was_not_given():
    existing = from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], labels={'keep': '1'}))
    target = target_config(SPEC, desired(name='lan', internal=True, labels={'new': '2'}), existing, 'merged')
    assert target['labels'] == {'keep': '1', 'new': '2'}
    assert target['subnets'][0]['subnet'] == '10.1.0.0/24' and target['internal'] is True


def test_render_payload_sends_options_as_docker_stores_them():
    subnets = [dict(subnet='10.1.0.0/24', ip_range='10.1.0.128/25', aux_addresses={'r': '10.1.0.2'})]
    payload = render_payload(SPEC, desired(name='lan', subnets=subnets, enable_icc=False, mtu=1400,
                                           driver_opts={'x': True}))
    assert payload['Options'] == {'com.docker.network.bridge.enable_icc': 'false',
                                  'com.docker.network.driver.mtu': '1400', 'x': 'true'}
    assert payload['IPAM']['Config'] == [dict(Subnet='10.1.0.0/24', IPRange='10.1.0.128/25',
                                              AuxiliaryAddresses={'r': '10.1.0.2'})]
    assert payload['Driver'] == 'bridge' and payload['Internal'] is False


def test_static_problems_cover_the_batch():
    configs = [desired(name='lan', subnets=[dict(subnet='10.1.0/24')]),
               desired(name='lan'),
               desired(name='bridge'),
               desired(name='gw', subnets=[dict(subnet='10.1.0.0/24', gateway='10.2.0.1')]),
               desired(name='v6', enable_ipv6=False, subnets=[dict(subnet='fd00::/64')]),
               desired(name='opt', driver_opts={'com.docker.network.driver.mtu': '9000'})]
    messages = [format_problem('h1', problem) for problem in static_problems(SPEC, configs)]
    assert 'network "lan" on h1: name is listed 2 times in config' in messages
    assert any(message.startswith('network "lan" on h1: subnet "10.1.0/24"') for message in messages)
    assert any(message.startswith('network "bridge" on h1: name "bridge" is a predefined') for message in messages)
    assert 'network "gw" on h1: gateway 10.2.0.1 is outside subnet 10.1.0.0/24' in messages
    assert 'network "v6" on h1: enable_ipv6 is false but an IPv6 subnet is given' in messages
    assert any('set by the option mtu' in message for message in messages)


def test_plan_noop_lists_networks_once_and_inspects_nothing():
    client = fake_docker.FakeDocker([docker_network('net%d' % index, ['10.92.%d.0/24' % index]) for index in range(20)])
    configs = [desired(name='net%d' % index, subnets=[dict(subnet='10.92.%d.0/24' % index)]) for index in range(20)]
    items, problems = planned(client, 'merged', configs)
    assert problems == []
    assert set(item.action for item in items) == set(['unchanged'])
    assert client.call_names() == ['list_networks']


def test_plan_reports_overlaps_with_networks_and_host_interfaces():
    client = fake_docker.FakeDocker([docker_network('legacy', ['10.1.0.0/16'])])
    host = [HostPrefix('eth0', '10.231.1.0/24', 'address'), HostPrefix('eth0', '10.231.1.0/24', 'route'),
            HostPrefix('br-' + ('legacy' * 12)[:12], '10.1.0.0/16', 'address')]
    configs = [desired(name='lan', subnets=[dict(subnet='10.1.0.0/24')]),
               desired(name='mgmt', subnets=[dict(subnet='10.231.1.0/25')])]
    items, problems = planned(client, 'merged', configs, host_prefixes=host)
    messages = [format_problem('h2', problem) for problem in problems]
    assert messages == ['network "lan" on h2: subnet 10.1.0.0/24 overlaps network "legacy" (10.1.0.0/16)',
                        'network "mgmt" on h2: subnet 10.231.1.0/25 overlaps address 10.231.1.0/24 of interface eth0']


def test_overridden_deletes_unlisted_but_never_predefined_and_frees_subnets():
    client = fake_docker.FakeDocker([docker_network('bridge', ['172.17.0.0/16']), docker_network('old', ['10.1.0.0/24'])])
    items, problems = planned(client, 'overridden', [desired(name='new', subnets=[dict(subnet='10.1.0.0/24')])])
    assert problems == []
    assert sorted((item.name, item.action) for item in items) == [('new', 'create'), ('old', 'delete')]


def test_overridden_keeps_a_protected_network_and_says_why():
    guarded = GuardedBridge()
    client = fake_docker.FakeDocker([docker_network('gw', ['172.18.0.0/16']), docker_network('old', ['10.1.0.0/24'])])
    items, problems = planned(client, 'overridden', [], spec=guarded)
    assert problems == []
    assert [(item.name, item.action) for item in items] == [('gw', 'unchanged'), ('old', 'delete')]
    assert items[0].report() == dict(name='gw', action='unchanged', differences=[],
                                     reason='not listed, but kept: the gateway bridge')


def test_recreate_keeps_static_address_and_aliases():
    network = docker_network('lan', ['10.1.0.0/24'])
    client = fake_docker.FakeDocker([network], [probe_container(network, '10.1.0.5', ['web'])])
    items, problems = planned(client, 'merged', [desired(name='lan', labels={'v': '2'})])
    assert problems == []
    item = items[0]
    assert item.action == 'recreate' and item.differences == ['labels']
    endpoint = item.endpoints[0]
    assert endpoint['aliases'] == ['web'] and endpoint['ipv4_address'] == '10.1.0.5'
    assert item.report()['containers'] == {'restored': ['probe']}


def test_recreate_blocked_when_static_address_leaves_subnet_or_policy_never():
    network = docker_network('lan', ['10.1.0.0/24'])
    client = fake_docker.FakeDocker([network], [probe_container(network, '10.1.0.5', [])])
    items, problems = planned(client, 'merged', [desired(name='lan', subnets=[dict(subnet='10.2.0.0/24')])])
    assert ('lan', 'subnets', '10.2.0.0/24 would not hold the static address 10.1.0.5 of container "probe"') in problems
    items, problems = planned(client, 'merged', [desired(name='lan', internal=True)], recreate_policy='never')
    assert format_problem('h1', problems[0]) == \
        'network "lan" on h1: internal differs from the host and recreate is "never"; Docker cannot change a network in place'


def test_dynamic_address_is_kept_when_it_still_fits():
    endpoint = dict(ipv4_address=None, current_ipv4='10.1.0.7', ipv6_address=None, current_ipv6=None)
    subnets = [dict(subnet='10.1.0.0/24', gateway=None, aux_addresses={})]

    def kept(endpoint, subnets):
        return connect_arguments(endpoint, subnets, lambda version: False)['ipv4_address']
    assert kept(endpoint, subnets) == '10.1.0.7'
    assert kept(endpoint, [dict(subnet='10.2.0.0/24')]) is None
    assert kept(dict(endpoint, current_ipv4='10.1.0.1'), subnets) is None


def test_attachment_changes_per_state():
    endpoints = [dict(name='a', aliases=['x'], ipv4_address=None, ipv6_address=None),
                 dict(name='b', aliases=[], ipv4_address=None, ipv6_address=None)]
    wanted = [desired_container(dict(name='a', aliases=['y'])), desired_container(dict(name='c'))]
    connect, reconnect, disconnect = attachment_changes(wanted, endpoints, 'merged')
    assert [e['name'] for e in connect] == ['c'] and reconnect[0]['aliases'] == ['x', 'y'] and disconnect == []
    connect, reconnect, disconnect = attachment_changes(wanted, endpoints, 'replaced')
    assert reconnect[0]['aliases'] == ['y'] and [e['name'] for e in disconnect] == ['b']
    assert attachment_changes(None, endpoints, 'replaced') == ([], [], [])


def test_endpoint_drops_docker_short_id_alias():
    network = docker_network('lan', ['10.1.0.0/24'])
    endpoint = endpoint_from_container(probe_container(network, '10.1.0.5', ['web']), 'lan')
    assert endpoint['aliases'] == ['web'] and endpoint['name'] == 'probe'


def test_host_prefixes_skip_loopback_link_local_and_default():
    addresses = [dict(ifname='lo', addr_info=[dict(local='127.0.0.1', prefixlen=8)]),
                 dict(ifname='eth0', addr_info=[dict(local='10.231.1.11', prefixlen=24),
                                                dict(local='fe80::1', prefixlen=64)])]
    routes = [dict(dst='default', dev='eth0'), dict(dst='10.50.0.0/16', dev='eth0'), dict(dst='0.0.0.0/0', dev='eth0')]
    found = [(prefix.interface, prefix.prefix, prefix.kind) for prefix in prefixes_from_json(addresses, routes)]
    assert found == [('eth0', '10.231.1.0/24', 'address'), ('eth0', '10.50.0.0/16', 'route')]


def test_the_gateway_docker_chose_is_carried_into_the_recreate():
    network = docker_network('lan', ['10.1.0.0/24'], gateway='10.1.0.1')
    network['IPAM']['Config'][0]['IPRange'] = '10.1.0.128/25'
    existing = from_docker(SPEC, network)
    wanted = desired(name='lan', subnets=[dict(subnet='10.1.0.0/24', ip_range='10.1.0.128/25')], enable_icc=False)
    assert differences(SPEC, wanted, existing, 'merged') == ['enable_icc']
    pool = render_payload(SPEC, target_config(SPEC, wanted, existing, 'merged'))['IPAM']['Config'][0]
    assert pool == dict(Subnet='10.1.0.0/24', Gateway='10.1.0.1', IPRange='10.1.0.128/25')


def test_a_gateway_docker_chose_is_no_difference_when_none_is_given():
    existing = from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], gateway='10.1.0.129'))
    for state in ('merged', 'replaced'):
        assert differences(SPEC, desired(name='lan', subnets=[dict(subnet='10.1.0.0/24')]), existing, state) == []


def test_an_ipv6_only_list_accepts_the_ipv4_pool_docker_added():
    network = docker_network('v6', ['172.20.0.0/16', 'fd00:1::/64'], gateway='172.20.0.1')
    network['EnableIPv6'] = True
    existing = from_docker(SPEC, network)
    wanted = desired(name='v6', enable_ipv6=True, subnets=[dict(subnet='fd00:1::/64')])
    for state in ('merged', 'replaced'):
        assert differences(SPEC, wanted, existing, state) == []
    # A recreate for another reason keeps the pool too.
    target = target_config(SPEC, dict(wanted, enable_icc=False), existing, 'merged')
    assert [entry['subnet'] for entry in target['subnets']] == ['fd00:1::/64', '172.20.0.0/16']


def test_an_address_a_recreate_pinned_still_counts_as_dynamic():
    network = docker_network('lan', ['10.1.0.0/24'])
    container = probe_container(network, '10.1.0.7', [])
    container['NetworkSettings']['Networks']['lan']['DriverOpts'] = {'fleetnet.docker.dynamic_address': 'ipv4', 'other': 'x'}
    endpoint = endpoint_from_container(container, 'lan', network['Id'])
    assert endpoint['ipv4_address'] is None and endpoint['current_ipv4'] == '10.1.0.7'
    assert endpoint['driver_opts'] == {'other': 'x'}


def test_what_docker_would_refuse_half_way_is_a_problem_before_any_change():
    configs = [desired(name='lan', subnets=[dict(subnet='10.1.0.0/24')], mtu=100000, bridge_name='br-sixteen-chars',
                       containers=[dict(name='a', ipv4_address='10.1.0.1'), dict(name='b', ipv4_address='10.1.0.9'),
                                   dict(name='c', ipv4_address='10.1.0.9')])]
    fields = [field for _name, field, _reason in static_problems(SPEC, configs, 'merged')]
    assert fields == ['mtu', 'bridge_name', 'containers[0].ipv4_address', 'containers[2].ipv4_address']
