# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _network_engine as engine
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import HostPrefix, prefixes_from_json

SPEC = engine.DriverSpec(
    driver='bridge',
    options=dict(
        bridge_name=engine.DriverOption('com.docker.network.bridge.name', 'str'),
        mtu=engine.DriverOption('com.docker.network.driver.mtu', 'int'),
        enable_icc=engine.DriverOption('com.docker.network.bridge.enable_icc', 'bool', default=True),
    ),
    owned_interfaces=lambda network: ['br-%s' % network['Id'][:12]],
    check_host_overlap=True,
)


def docker_network(name, subnets=(), options=None, labels=None, driver='bridge', ident=None, gateway=None):
    config = [dict(Subnet=subnet) for subnet in subnets]
    if gateway:
        config[0]['Gateway'] = gateway
    return dict(Name=name, Id=ident or (name * 12)[:64], Driver=driver, Scope='local', EnableIPv6=False,
                Internal=False, Attachable=False, IPAM=dict(Driver='default', Config=config, Options={}),
                Options=options or {}, Labels=labels or {}, Containers={})


def desired(**item):
    return engine.normalise_desired(SPEC, item)


class FakeClient:
    """Stands in for DockerClient: serves fixed API answers and counts the calls."""

    def __init__(self, networks, containers=()):
        self.host = 'h1'
        self.calls = []
        self._networks = networks
        self._containers = list(containers)
        self.api = self

    def call(self, what, method, *args, **kwargs):
        self.calls.append(method.__name__)
        return method(*args, **kwargs)

    def api_at_least(self, version):
        return False

    def networks(self):
        return self._networks

    def containers(self, all=False, filters=None):
        wanted = (filters or {}).get('network')
        found = []
        for container in self._containers:
            attached = container['NetworkSettings']['Networks'].values()
            if wanted is None or any(settings['NetworkID'] in wanted for settings in attached):
                found.append(dict(Id=container['Id'], Names=[container['Name']]))
        return found

    def inspect_container(self, ident):
        return [container for container in self._containers if container['Id'] == ident][0]


def probe_container(network, address, aliases, static=True):
    ident = 'c0ffee' * 10 + 'abcd'
    settings = dict(NetworkID=network['Id'], IPAddress=address, Aliases=aliases + [ident[:12]],
                    IPAMConfig=dict(IPv4Address=address) if static else None, Links=None, MacAddress='02:42:0a:00:00:05')
    return dict(Id=ident, Name='/probe', State=dict(Running=True), Config=dict(Labels={}),
                NetworkSettings=dict(Networks={network['Name']: settings}))


def test_from_docker_fills_docker_defaults_and_splits_options():
    network = docker_network('lan', ['10.1.0.0/24'], options={
        'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.driver.mtu': '1400', 'custom': 'x'})
    config = engine.from_docker(SPEC, network)
    assert config['subnets'] == [dict(subnet='10.1.0.0/24', gateway='10.1.0.1', ip_range=None, aux_addresses={})]
    assert config['enable_icc'] is False and config['mtu'] == 1400 and config['bridge_name'] is None
    assert config['driver_opts'] == {'custom': 'x'}
    assert config['internal'] is False


def test_gathered_fed_back_with_replaced_is_no_change():
    network = docker_network('lan', ['10.1.0.0/24', 'fd00:0::/64'], labels={'a': 'b'},
                             options={'com.docker.network.bridge.enable_icc': '1'})
    existing = engine.from_docker(SPEC, network)
    fed_back = desired(**engine.gathered_form(existing))
    assert engine.differences(SPEC, fed_back, existing, 'replaced') == []


def test_normalisation_makes_spellings_equal():
    existing = engine.from_docker(SPEC, docker_network('lan', ['fd00::/64'], options={
        'com.docker.network.bridge.enable_icc': 'true', 'com.docker.network.driver.mtu': '1400'}))
    wanted = desired(name='lan', subnets=[dict(subnet='fd00:0:0::/64', gateway='FD00::1')], enable_icc=True, mtu='1400')
    assert engine.differences(SPEC, wanted, existing, 'replaced') == []
    assert engine.docker_option_text(True) == 'true'
    assert desired(name='x', driver_opts={'k': False})['driver_opts'] == {'k': 'false'}


def test_merged_ignores_extra_labels_replaced_does_not():
    existing = engine.from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], labels={'a': '1', 'extra': '2'}))
    wanted = desired(name='lan', labels={'a': '1'})
    assert engine.differences(SPEC, wanted, existing, 'merged') == []
    assert engine.differences(SPEC, wanted, existing, 'replaced') == ['labels']
    assert engine.differences(SPEC, desired(name='lan', labels={'a': '9'}), existing, 'merged') == ['labels']


def test_merged_compares_only_given_fields_replaced_uses_defaults():
    existing = engine.from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], options={
        'com.docker.network.bridge.enable_icc': 'false'}))
    assert engine.differences(SPEC, desired(name='lan'), existing, 'merged') == []
    assert engine.differences(SPEC, desired(name='lan'), existing, 'replaced') == ['enable_icc']
    changed = desired(name='lan', subnets=[dict(subnet='10.2.0.0/24')], internal=True)
    assert engine.differences(SPEC, changed, existing, 'merged') == ['subnets', 'internal']


def test_merged_target_keeps_what_was_not_given():
    existing = engine.from_docker(SPEC, docker_network('lan', ['10.1.0.0/24'], labels={'keep': '1'}))
    target = engine.target_config(SPEC, desired(name='lan', internal=True, labels={'new': '2'}), existing, 'merged')
    assert target['labels'] == {'keep': '1', 'new': '2'}
    assert target['subnets'][0]['subnet'] == '10.1.0.0/24' and target['internal'] is True


def test_render_payload_sends_options_as_docker_stores_them():
    subnets = [dict(subnet='10.1.0.0/24', ip_range='10.1.0.128/25', aux_addresses={'r': '10.1.0.2'})]
    payload = engine.render_payload(SPEC, desired(name='lan', subnets=subnets, enable_icc=False, mtu=1400,
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
    messages = [engine.format_problem('h1', problem) for problem in engine.static_problems(SPEC, configs)]
    assert 'network "lan" on h1: name is listed 2 times in config' in messages
    assert any(message.startswith('network "lan" on h1: subnet "10.1.0/24"') for message in messages)
    assert any(message.startswith('network "bridge" on h1: name "bridge" is a predefined') for message in messages)
    assert 'network "gw" on h1: gateway 10.2.0.1 is outside subnet 10.1.0.0/24' in messages
    assert 'network "v6" on h1: enable_ipv6 is false but an IPv6 subnet is given' in messages
    assert any('set by the option mtu' in message for message in messages)


def test_plan_noop_lists_networks_once_and_inspects_nothing():
    client = FakeClient([docker_network('net%d' % index, ['10.92.%d.0/24' % index]) for index in range(20)])
    network_engine = engine.NetworkEngine(client, SPEC, lambda: [])
    configs = [desired(name='net%d' % index, subnets=[dict(subnet='10.92.%d.0/24' % index)]) for index in range(20)]
    items, problems = network_engine.plan('merged', configs)
    assert problems == []
    assert set(item['action'] for item in items) == set(['unchanged'])
    assert client.calls == ['networks']


def test_plan_reports_overlaps_with_networks_and_host_interfaces():
    client = FakeClient([docker_network('legacy', ['10.1.0.0/16'])])
    host = [HostPrefix('eth0', '10.231.1.0/24', 'address'), HostPrefix('eth0', '10.231.1.0/24', 'route'),
            HostPrefix('br-' + ('legacy' * 12)[:12], '10.1.0.0/16', 'address')]
    network_engine = engine.NetworkEngine(client, SPEC, lambda: host)
    configs = [desired(name='lan', subnets=[dict(subnet='10.1.0.0/24')]),
               desired(name='mgmt', subnets=[dict(subnet='10.231.1.0/25')])]
    items, problems = network_engine.plan('merged', configs)
    messages = [engine.format_problem('h2', problem) for problem in problems]
    assert messages == ['network "lan" on h2: subnet 10.1.0.0/24 overlaps network "legacy" (10.1.0.0/16)',
                        'network "mgmt" on h2: subnet 10.231.1.0/25 overlaps address 10.231.1.0/24 of interface eth0']


def test_overridden_deletes_unlisted_but_never_predefined_and_frees_subnets():
    client = FakeClient([docker_network('bridge', ['172.17.0.0/16']), docker_network('old', ['10.1.0.0/24'])])
    network_engine = engine.NetworkEngine(client, SPEC, lambda: [])
    items, problems = network_engine.plan('overridden', [desired(name='new', subnets=[dict(subnet='10.1.0.0/24')])])
    assert problems == []
    assert sorted((item['name'], item['action']) for item in items) == [('new', 'create'), ('old', 'delete')]


def test_overridden_keeps_a_protected_network_and_says_why():
    guarded = engine.DriverSpec('bridge', predefined=('bridge',),
                                protected=lambda network: 'the gateway bridge' if network['Name'] == 'gw' else None)
    client = FakeClient([docker_network('gw', ['172.18.0.0/16']), docker_network('old', ['10.1.0.0/24'])])
    items, problems = engine.NetworkEngine(client, guarded, lambda: []).plan('overridden', [])
    assert problems == []
    assert [(item['name'], item['action']) for item in items] == [('gw', 'unchanged'), ('old', 'delete')]
    assert engine.action_report(items[0]) == dict(name='gw', action='unchanged', differences=[],
                                                  reason='not listed, but kept: the gateway bridge')


def test_recreate_keeps_static_address_and_aliases():
    network = docker_network('lan', ['10.1.0.0/24'])
    client = FakeClient([network], [probe_container(network, '10.1.0.5', ['web'])])
    network_engine = engine.NetworkEngine(client, SPEC, lambda: [])
    items, problems = network_engine.plan('merged', [desired(name='lan', labels={'v': '2'})])
    assert problems == []
    item = items[0]
    assert item['action'] == 'recreate' and item['differences'] == ['labels']
    endpoint = item['endpoints'][0]
    assert endpoint['aliases'] == ['web'] and endpoint['ipv4_address'] == '10.1.0.5'
    assert engine.action_report(item)['containers'] == {'restored': ['probe']}


def test_recreate_blocked_when_static_address_leaves_subnet_or_policy_never():
    network = docker_network('lan', ['10.1.0.0/24'])
    client = FakeClient([network], [probe_container(network, '10.1.0.5', [])])
    network_engine = engine.NetworkEngine(client, SPEC, lambda: [])
    items, problems = network_engine.plan('merged', [desired(name='lan', subnets=[dict(subnet='10.2.0.0/24')])])
    assert ('lan', 'subnets', '10.2.0.0/24 would not hold the static address 10.1.0.5 of container "probe"') in problems
    items, problems = network_engine.plan('merged', [desired(name='lan', internal=True)], recreate_policy='never')
    assert engine.format_problem('h1', problems[0]) == \
        'network "lan" on h1: internal differs from the host and recreate is "never"; Docker cannot change a network in place'


def test_dynamic_address_is_kept_when_it_still_fits():
    endpoint = dict(ipv4_address=None, current_ipv4='10.1.0.7', ipv6_address=None, current_ipv6=None)
    subnets = [dict(subnet='10.1.0.0/24', gateway=None, aux_addresses={})]
    assert engine.reconnect_addresses(endpoint, subnets)['ipv4_address'] == '10.1.0.7'
    assert engine.reconnect_addresses(endpoint, [dict(subnet='10.2.0.0/24')])['ipv4_address'] is None
    assert engine.reconnect_addresses(dict(endpoint, current_ipv4='10.1.0.1'), subnets)['ipv4_address'] is None


def test_attachment_changes_per_state():
    endpoints = [dict(name='a', aliases=['x'], ipv4_address=None, ipv6_address=None),
                 dict(name='b', aliases=[], ipv4_address=None, ipv6_address=None)]
    wanted = [engine.desired_container(dict(name='a', aliases=['y'])), engine.desired_container(dict(name='c'))]
    connect, reconnect, disconnect = engine.attachment_changes(wanted, endpoints, 'merged')
    assert [e['name'] for e in connect] == ['c'] and reconnect[0]['aliases'] == ['x', 'y'] and disconnect == []
    connect, reconnect, disconnect = engine.attachment_changes(wanted, endpoints, 'replaced')
    assert reconnect[0]['aliases'] == ['y'] and [e['name'] for e in disconnect] == ['b']
    assert engine.attachment_changes(None, endpoints, 'replaced') == ([], [], [])


def test_endpoint_drops_docker_short_id_alias():
    network = docker_network('lan', ['10.1.0.0/24'])
    endpoint = engine.endpoint_from_container(probe_container(network, '10.1.0.5', ['web']), 'lan')
    assert endpoint['aliases'] == ['web'] and endpoint['name'] == 'probe'


def test_host_prefixes_skip_loopback_link_local_and_default():
    addresses = [dict(ifname='lo', addr_info=[dict(local='127.0.0.1', prefixlen=8)]),
                 dict(ifname='eth0', addr_info=[dict(local='10.231.1.11', prefixlen=24),
                                                dict(local='fe80::1', prefixlen=64)])]
    routes = [dict(dst='default', dev='eth0'), dict(dst='10.50.0.0/16', dev='eth0'), dict(dst='0.0.0.0/0', dev='eth0')]
    found = [(prefix.interface, prefix.prefix, prefix.kind) for prefix in prefixes_from_json(addresses, routes)]
    assert found == [('eth0', '10.231.1.0/24', 'address'), ('eth0', '10.50.0.0/16', 'route')]
