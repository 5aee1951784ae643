# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan and ipvlan drivers, and the engine features they rely on: non-boolean top-level
fields (ConfigOnly, ConfigFrom, Scope), config-only networks (driver null) claimed by a driver,
per-item rules, and the batch rules that mirror what Docker 20.10 refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import from_docker, gathered_form, normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import static_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.ipvlan import IpvlanDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.macvlan import MacvlanDriver
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.parent import interfaces_from_json, parent_problem
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker

WORKER = dict(LocalNodeState='active', ControlAvailable=False, NodeID='w1')
MANAGER = dict(LocalNodeState='active', ControlAvailable=True, NodeID='m1')

HOST_INTERFACES = ['docker0', 'eth0', 'lo']


class MacvlanOnTestHost(MacvlanDriver):
    def read_interfaces(self):
        return HOST_INTERFACES


class IpvlanOnTestHost(IpvlanDriver):
    kernel_reason = None

    def read_interfaces(self):
        return HOST_INTERFACES

    def kernel_problem(self):
        return self.kernel_reason


MACVLAN = MacvlanOnTestHost()
IPVLAN = IpvlanOnTestHost()


def network(name, driver='macvlan', options=None, subnet='10.94.1.0/24', config_only=False, config_from='',
            scope='local', attachable=False):
    # Shaped like an entry of GET /networks from Docker 20.10 (see the integration target for real ones).
    pools = [dict(Subnet=subnet)] if subnet else []
    return dict(Name=name, Id=(name * 30)[:30], Driver='null' if config_only else driver, Scope=scope,
                EnableIPv6=False, Internal=False, Attachable=attachable, Ingress=False,
                IPAM=dict(Driver='default', Config=pools), ConfigFrom=dict(Network=config_from),
                ConfigOnly=config_only, Options=options if options is not None else {'parent': 'eth0'}, Labels={})


def desired(spec=MACVLAN, **item):
    return normalise_desired(spec, item)


def problems(spec, configs, existing=()):
    desired_configs = [desired(spec, **config) for config in configs]
    return static_problems(spec, desired_configs) + spec.batch_problems(desired_configs, list(existing))


def test_interfaces_come_from_ip_json():
    links = [dict(ifindex=1, ifname='lo'), dict(ifindex=2, ifname='eth0'), dict(ifindex=3)]
    assert interfaces_from_json(links) == ['eth0', 'lo']


def test_parent_must_exist_but_a_vlan_of_an_existing_interface_is_made_by_docker():
    assert parent_problem('eth0', HOST_INTERFACES) is None
    assert parent_problem('eth0.20', HOST_INTERFACES) is None
    assert parent_problem('eth1.20', HOST_INTERFACES) == \
        'interface eth1.20 does not exist on this host; its interfaces are: docker0, eth0, lo'
    assert 'docker0, eth0, lo' in parent_problem('nosuch0', HOST_INTERFACES)


def test_mode_defaults_to_bridge_and_is_sent_only_when_it_differs():
    existing = from_docker(MACVLAN, network('lan'))
    assert existing['mode'] == 'bridge'
    assert differences(MACVLAN, desired(name='lan', parent='eth0', subnets=[dict(subnet='10.94.1.0/24')]),
                       existing, 'replaced') == []
    assert render_payload(MACVLAN, desired(name='lan', parent='eth0', mode='bridge'))['Options'] == {'parent': 'eth0'}
    payload = render_payload(MACVLAN, desired(name='lan', parent='eth0', mode='private'))
    assert payload['Options'] == {'parent': 'eth0', 'macvlan_mode': 'private'}
    assert differences(MACVLAN, desired(name='lan', mode='vepa'), existing, 'merged') == ['mode']


def test_config_only_payload_leaves_scope_out_and_swarm_payload_names_its_config():
    # Docker refuses "--config-only --scope local": a default Scope must not be sent.
    config_only = render_payload(MACVLAN, desired(name='cfg', config_only=True, parent='eth0'))
    assert config_only['ConfigOnly'] is True
    assert 'Scope' not in config_only and 'ConfigFrom' not in config_only
    swarm = render_payload(MACVLAN, desired(name='lan', config_from='cfg', scope='swarm', attachable=True))
    assert swarm['ConfigFrom'] == {'Network': 'cfg'}
    assert swarm['Scope'] == 'swarm'
    assert swarm['Options'] == {} and swarm['Attachable'] is True
    plain = render_payload(MACVLAN, desired(name='lan', parent='eth0'))
    assert plain['ConfigOnly'] is False and 'Scope' not in plain


def test_config_only_networks_are_claimed_by_the_driver_they_configure():
    macvlan_config = network('cfg', config_only=True)
    ipvlan_config = network('icfg', config_only=True, options={'parent': 'eth0', 'ipvlan_mode': 'l2'})
    assert MACVLAN.manages(macvlan_config) and not MACVLAN.manages(ipvlan_config)
    assert IPVLAN.manages(ipvlan_config) and not IPVLAN.manages(macvlan_config)
    assert not MACVLAN.manages(network('br', driver='bridge'))
    assert not MACVLAN.manages(network('none', driver='null', options={}))


def test_network_from_a_config_shows_inherited_settings_that_are_not_compared_or_gathered():
    # On a node where it is in use, Docker shows the config-only network's parent and subnet as its own.
    swarm = network('lan', config_from='cfg', scope='swarm', attachable=True,
                    subnet='10.231.150.0/24', options={'parent': 'eth0'})
    existing = from_docker(MACVLAN, swarm)
    assert existing['config_from'] == 'cfg' and existing['scope'] == 'swarm'
    gathered = gathered_form(existing)
    assert 'parent' not in gathered and 'subnets' not in gathered
    assert differences(MACVLAN, desired(**gathered), existing, 'replaced') == []
    assert differences(MACVLAN, desired(name='lan', config_from='cfg', scope='swarm', attachable=True),
                       existing, 'replaced') == []


def test_gathered_config_only_network_fed_back_with_replaced_is_no_change():
    existing = from_docker(MACVLAN, network('cfg', config_only=True))
    assert existing['config_only'] is True and existing['config_from'] is None and existing['scope'] == 'local'
    assert differences(MACVLAN, desired(**gathered_form(existing)), existing, 'replaced') == []


def test_rules_of_config_only_networks_and_networks_made_from_them():
    found = problems(MACVLAN, [
        dict(name='cfg', config_only=True, internal=True, scope='swarm'),
        dict(name='lan', config_from='cfg', scope='swarm', parent='eth0', mode='private', labels={'a': 'b'}),
        dict(name='lonely', scope='swarm', parent='eth0.5'),
    ])
    fields = sorted((name, field) for name, field, _reason in found)
    assert fields == [('cfg', 'internal'), ('cfg', 'parent'), ('cfg', 'scope'),
                      ('lan', 'labels'), ('lan', 'mode'), ('lan', 'parent'), ('lonely', 'scope')]


def test_one_network_per_parent_in_every_mode_also_internal():
    found = problems(MACVLAN, [dict(name='b', parent='eth0', mode='vepa', internal=True, subnets=[dict(subnet='10.94.2.0/24')])],
                     existing=[network('a')])
    assert found == [('b', 'parent', 'eth0 is already used by network "a" (on the host); Docker Engine before 27.0 '
                                     'allows one macvlan network per parent interface, whatever its mode: use a VLAN '
                                     'sub-interface (eth0.<id>) for another one')]
    # The listed network replaces the one of the same name: recreating "a" on eth0 is fine.
    assert problems(MACVLAN, [dict(name='a', parent='eth0', mode='private')], existing=[network('a')]) == []
    # Another parent, or config-only networks (which never reach the driver), share nothing.
    assert problems(MACVLAN, [dict(name='b', parent='eth0.5'), dict(name='c', config_only=True, parent='eth0'),
                              dict(name='d', config_only=True, parent='eth0')], existing=[network('a')]) == []


def on_engine(api_version, engine_version, driver_class=MacvlanOnTestHost):
    """A driver whose preflight has seen a host running that engine."""
    driver = driver_class()
    driver.preflight(FakeDocker(api_version=api_version, engine_version=engine_version))
    return driver


def test_engine_27_lets_macvlan_networks_share_a_parent_except_in_passthru_mode():
    newer = on_engine('1.51', '28.5.2')
    second = dict(name='b', parent='eth0', mode='vepa', subnets=[dict(subnet='10.94.2.0/24')])
    assert problems(newer, [second], existing=[network('a')]) == []
    assert problems(newer, [dict(second, mode='passthru')], existing=[network('a')]) == [
        ('b', 'parent', 'eth0 is already used by network "a" (on the host); a macvlan network in passthru mode needs '
                        'its parent interface to itself: use another interface or a VLAN sub-interface (eth0.<id>)')]
    assert [name for name, _field, _reason in problems(newer, [second], existing=[
        network('a', options={'parent': 'eth0', 'macvlan_mode': 'passthru'})])] == ['b']
    # Two listed networks on one parent: the same rule between them.
    assert problems(newer, [dict(second, name='c', subnets=[dict(subnet='10.94.3.0/24')]), second]) == []


def test_before_27_the_error_names_the_hosts_engine():
    older = on_engine('1.45', '26.1.5')
    found = problems(older, [dict(name='b', parent='eth0', subnets=[dict(subnet='10.94.2.0/24')])], existing=[network('a')])
    assert found == [('b', 'parent', 'eth0 is already used by network "a" (on the host); Docker Engine before 27.0 '
                                     'allows one macvlan network per parent interface, whatever its mode (another macvlan '
                                     'network on the same parent needs Docker Engine 27.0 (API 1.46) or later; this host '
                                     'runs 26.1.5 (API 1.45)): use a VLAN sub-interface (eth0.<id>) for another one')]


def test_ipvlan_keeps_one_network_per_parent_on_every_engine():
    newer = on_engine('1.51', '28.5.2', IpvlanOnTestHost)
    found = problems(newer, [dict(name='b', parent='eth0', mode='l2', subnets=[dict(subnet='10.94.2.0/24')])],
                     existing=[network('a', driver='ipvlan', options={'parent': 'eth0', 'ipvlan_mode': 'l2'})])
    assert [(name, field) for name, field, _reason in found] == [('b', 'parent')]
    assert 'Docker allows one ipvlan network per parent interface' in found[0][2]


def test_a_pinned_older_api_version_is_named():
    client = FakeDocker(api_version='1.41', engine_version='28.5.2')
    client.version = lambda: dict(Version='28.5.2', ApiVersion='1.51')
    assert client.engine_problem('gw_priority', '28.0') == (
        'gw_priority needs Docker Engine 28.0 (API 1.48) or later; this host runs 28.5.2 (API 1.51), '
        'but the connection uses API 1.41 (api_version)')
    assert FakeDocker(api_version='1.51').engine_problem('gw_priority', '28.0') is None


def test_a_swarm_network_occupies_the_parent_of_its_config_only_network():
    existing = [network('cfg', config_only=True), network('lan', config_from='cfg', scope='swarm', options={}, subnet=None)]
    found = problems(MACVLAN, [dict(name='local', parent='eth0')], existing=existing)
    assert [(name, field) for name, field, _reason in found] == [('local', 'parent')]
    assert 'network "lan"' in found[0][2]


def test_missing_parent_and_missing_config_network_are_named():
    found = problems(MACVLAN, [dict(name='x', parent='nosuch0'), dict(name='y', config_from='absent', scope='swarm')])
    assert ('x', 'parent', 'interface nosuch0 does not exist on this host; its interfaces are: docker0, eth0, lo') in found
    assert [reason for name, field, reason in found if name == 'y'] == \
        ['no config-only network "absent" exists on this host or is listed in config']


def test_config_only_networks_reserve_no_addresses_in_the_overlap_check():
    client = FakeDocker(networks=[network('cfg', config_only=True, subnet='10.94.1.0/24')])
    items, found = plan(CurrentState(client, MACVLAN), 'merged', [desired(name='cfg2', config_only=True, parent='eth0',
                                                                          subnets=[dict(subnet='10.94.1.0/24')]),
                                                                  desired(name='lan', parent='eth0', subnets=[dict(subnet='10.94.1.0/24')])])
    assert [item.action for item in items] == ['create', 'create']
    assert found == []


def test_ipvlan_options_and_the_kernel_problem():
    payload = render_payload(IPVLAN, desired(IPVLAN, name='iv', parent='eth0', mode='l2', flag='private'))
    assert payload['Driver'] == 'ipvlan'
    assert payload['Options'] == {'parent': 'eth0', 'ipvlan_mode': 'l2', 'ipvlan_flag': 'private'}
    assert ('cfg', 'mode', 'is required on an ipvlan config-only network') in \
        problems(IPVLAN, [dict(name='cfg', config_only=True, parent='eth0')])
    no_kernel = IpvlanOnTestHost()
    no_kernel.kernel_reason = 'Error: Unknown device type.'
    found = no_kernel.batch_problems([desired(IPVLAN, name='iv', parent='eth0')], [])
    assert found == [('iv', 'driver', 'ipvlan is not available: the kernel of this host has no ipvlan links '
                                      '(Error: Unknown device type.)')]


def plan_overridden_on(swarm, spec=None):
    """Plan ``overridden`` listing only the node's config-only network, on a node that also shows the swarm network."""
    spec = spec or MacvlanOnTestHost()
    client = FakeDocker(swarm=swarm, networks=[network('lan-config', config_only=True),
                                               network('lan', scope='swarm', config_from='lan-config', subnet=None, options={}),
                                               network('old-local')])
    spec.preflight(client)
    listed = desired(name='lan-config', config_only=True, parent='eth0', subnets=[dict(subnet='10.94.1.0/24')])
    items, found = plan(CurrentState(client, spec), 'overridden', [listed])
    return dict((item.name, item.action) for item in items), found


def test_overridden_on_a_swarm_worker_leaves_swarm_scoped_networks_alone():
    actions, found = plan_overridden_on(WORKER)
    # The local network not listed is still removed; the swarm network is a manager's to remove,
    # so it is kept (reported unchanged, with the reason).
    assert actions == {'lan-config': 'unchanged', 'lan': 'unchanged', 'old-local': 'delete'}
    assert found == []


def test_overridden_on_a_manager_or_outside_a_swarm_removes_an_unlisted_swarm_network():
    assert plan_overridden_on(MANAGER)[0]['lan'] == 'delete'
    assert plan_overridden_on(dict(LocalNodeState='inactive'))[0]['lan'] == 'delete'


def test_the_worker_rule_holds_for_ipvlan_too_and_names_its_reason():
    spec = IpvlanOnTestHost()
    spec.preflight(FakeDocker(swarm=WORKER))
    assert 'only a manager can remove it' in spec.protected(network('lan', driver='ipvlan', scope='swarm'))
    assert spec.protected(network('local', driver='ipvlan')) is None


def engine_29_config_only(name='cfg'):
    """A config-only network as Engine 29 lists it: created with a subnet, shown with ``"Config": null``."""
    shown = network(name, config_only=True, subnet=None)
    shown['IPAM']['Config'] = None
    return shown


def test_engine_29_config_only_subnets_are_read_from_a_network_made_from_it():
    made_from = network('lan', config_from='cfg', scope='swarm', options={'parent': 'eth0'}, subnet='10.94.1.0/24')
    client = FakeDocker(networks=[engine_29_config_only(), made_from], api_version='1.55', engine_version='29.7.2')
    current = CurrentState(client, MACVLAN)
    existing = current.config_of(client.network('cfg'))
    assert [entry['subnet'] for entry in existing['subnets']] == ['10.94.1.0/24']
    assert differences(MACVLAN, desired(name='cfg', config_only=True, parent='eth0',
                                        subnets=[dict(subnet='10.94.1.0/24')]), existing, 'merged') == []
    assert differences(MACVLAN, desired(name='cfg', config_only=True, parent='eth0',
                                        subnets=[dict(subnet='10.94.2.0/24')]), existing, 'merged') == ['subnets']


def test_engine_29_config_only_subnets_nothing_shows_are_not_compared():
    client = FakeDocker(networks=[engine_29_config_only()], api_version='1.55', engine_version='29.7.2')
    items, found = plan(CurrentState(client, MACVLAN), 'merged', [desired(
        name='cfg', config_only=True, parent='eth0', subnets=[dict(subnet='10.94.1.0/24', ip_range='10.94.1.64/28')])])
    assert found == [] and [item.action for item in items] == ['unchanged']
    assert 'subnets' not in gathered_form(CurrentState(client, MACVLAN).gathered()[0])


def test_before_engine_29_an_empty_config_only_network_is_compared_as_empty():
    client = FakeDocker(networks=[engine_29_config_only()], api_version='1.51', engine_version='28.5.2')
    existing = CurrentState(client, MACVLAN).config_of(client.network('cfg'))
    assert existing['subnets'] == []
    assert differences(MACVLAN, desired(name='cfg', config_only=True, parent='eth0',
                                        subnets=[dict(subnet='10.94.1.0/24')]), existing, 'merged') == ['subnets']


def test_a_local_network_made_from_a_config_gathered_and_fed_back_with_replaced_is_accepted_and_no_change():
    """`docker network create -d macvlan --config-from cfg lan` shows the config's parent among its options:
    gathered leaves the parent out, shows Docker's mode, and replaced takes that back unchanged."""
    made_from = network('lan', config_from='cfg', options={'parent': 'eth0'})
    existing = from_docker(MACVLAN, made_from)
    gathered = gathered_form(existing)
    assert 'parent' not in gathered and gathered['config_from'] == 'cfg'
    assert problems(MACVLAN, [gathered], existing=[network('cfg', config_only=True), made_from]) == []
    assert differences(MACVLAN, desired(**gathered), existing, 'replaced') == []
    assert problems(MACVLAN, [dict(gathered, mode='vepa')], existing=[network('cfg', config_only=True)]) == [
        ('lan', 'mode', 'cannot be given with config_from: Docker takes it from the config-only network "cfg"')]
