# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The overlay driver and the engine features it relies on: flags, id lists, values Docker
allocates, driver top-level fields, protected networks, batch rules and services on a network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import from_docker, gathered_form, normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import restore_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.overlay import OverlayDriver
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker


OVERLAY_SPEC = OverlayDriver()


def overlay_network(name, subnet='10.93.1.0/24', options=None, ingress=False, labels=None, ident=None):
    return dict(Name=name, Id=ident or (name * 25)[:25], Driver='overlay', Scope='swarm', EnableIPv6=False,
                Internal=False, Attachable=True, Ingress=ingress,
                IPAM=dict(Driver='default', Config=[dict(Subnet=subnet, Gateway=subnet.replace('0/24', '1'))]),
                Options=options if options is not None else {'com.docker.network.driver.overlay.vxlanid_list': '4097'},
                Labels=labels or {})


def desired(**item):
    return normalise_desired(OVERLAY_SPEC, item)


def test_encrypted_is_a_flag_docker_stores_as_an_empty_value():
    existing = from_docker(OVERLAY_SPEC, overlay_network('app', options={'encrypted': ''}))
    assert existing['encrypted'] is True
    plain = from_docker(OVERLAY_SPEC, overlay_network('app'))
    assert plain['encrypted'] is False
    payload = render_payload(OVERLAY_SPEC, desired(name='app', encrypted=True))
    assert payload['Options'] == {'encrypted': ''}
    assert render_payload(OVERLAY_SPEC, desired(name='app', encrypted=False))['Options'] == {}


def test_vxlan_ids_are_a_list_of_numbers_both_ways():
    existing = from_docker(OVERLAY_SPEC, overlay_network(
        'app', options={'com.docker.network.driver.overlay.vxlanid_list': '4097,4098'}))
    assert existing['vxlan_ids'] == [4097, 4098]
    payload = render_payload(OVERLAY_SPEC, desired(name='app', vxlan_ids=[5001]))
    assert payload['Options'] == {'com.docker.network.driver.overlay.vxlanid_list': '5001'}


def test_vxlan_ids_docker_picked_are_no_difference_even_when_replaced():
    existing = from_docker(OVERLAY_SPEC, overlay_network('app'))
    wanted = desired(name='app', attachable=True, subnets=[dict(subnet='10.93.1.0/24')])
    assert differences(OVERLAY_SPEC, wanted, existing, 'replaced') == []
    assert differences(OVERLAY_SPEC, desired(name='app', attachable=True, vxlan_ids=[5001]),
                       existing, 'merged') == ['vxlan_ids']


def test_gathered_overlay_fed_back_with_replaced_is_no_change():
    for network in (overlay_network('app', labels={'a': 'b'}), overlay_network('ingress', '10.0.0.0/24', ingress=True)):
        existing = from_docker(OVERLAY_SPEC, network)
        gathered = gathered_form(existing)
        assert differences(OVERLAY_SPEC, desired(**gathered), existing, 'replaced') == []


def test_ingress_is_a_top_level_field_sent_to_docker():
    existing = from_docker(OVERLAY_SPEC, overlay_network('ingress', '10.0.0.0/24', ingress=True))
    assert existing['ingress'] is True
    assert render_payload(OVERLAY_SPEC, desired(name='mesh', ingress=True))['Ingress'] is True
    assert render_payload(OVERLAY_SPEC, desired(name='app'))['Ingress'] is False


def test_the_ingress_network_is_protected_from_overridden():
    assert OVERLAY_SPEC.protected(overlay_network('ingress', ingress=True))
    assert OVERLAY_SPEC.protected(overlay_network('app')) is None


def test_only_one_ingress_network():
    existing = [overlay_network('ingress', '10.0.0.0/24', ingress=True)]
    problems = OVERLAY_SPEC.batch_problems([desired(name='mesh', ingress=True), desired(name='mesh2', ingress=True)], existing)
    assert ('mesh2', 'ingress', 'only one ingress network can exist in a swarm, and "mesh" is already listed '
                                'as ingress') in problems
    assert any(problem[0] == 'mesh' and '"ingress"' in problem[2] for problem in problems)
    assert OVERLAY_SPEC.batch_problems([desired(name='ingress', ingress=True)], existing) == []


def test_services_are_named_once_however_many_task_containers():
    endpoints = [dict(name='(service)', service='web'), dict(name='web.1.abc', service='web'),
                 dict(name='api.1.def', service='api')]
    assert restore_problems(endpoints, None) == [
        ('services', 'api, web would be cut off by recreating the network; remove or update them first')]


def test_services_of_a_swarm_network_by_attachment_and_by_published_ports():
    app = overlay_network('app', ident='appid')
    mesh = overlay_network('ingress', '10.0.0.0/24', ingress=True, ident='meshid')
    services = [
        dict(ID='s1', Spec=dict(Name='web', TaskTemplate=dict(Networks=[dict(Target='appid')])),
             Endpoint=dict(VirtualIPs=[dict(NetworkID='meshid'), dict(NetworkID='appid')])),
        dict(ID='s2', Spec=dict(Name='worker', TaskTemplate=dict(Networks=[dict(Target='app')]))),
        dict(ID='s3', Spec=dict(Name='other', TaskTemplate=dict(Networks=[dict(Target='elsewhere')]))),
    ]
    current = CurrentState(FakeDocker(services=services, swarm=dict(LocalNodeState='active', ControlAvailable=True)),
                           OVERLAY_SPEC)
    assert current.services_of(app) == ['web', 'worker']
    assert current.services_of(mesh) == ['web']
    local = dict(app, Scope='local')
    assert current.services_of(local) == []
    assert current.client.call_names() == ['list_services']


def test_services_on_a_node_that_cannot_list_them_are_none():
    current = CurrentState(FakeDocker(swarm=dict(LocalNodeState='active', ControlAvailable=False)), OVERLAY_SPEC)
    assert current.services_of(overlay_network('app')) == []


def test_overlay_networks_need_a_swarm_manager():
    outside = OVERLAY_SPEC.preflight(FakeDocker(swarm=dict(LocalNodeState='inactive')))
    assert outside.startswith('overlay networks on h1: this node is not in a swarm (swarm state "inactive")')
    worker = OVERLAY_SPEC.preflight(FakeDocker(swarm=dict(LocalNodeState='active', ControlAvailable=False, NodeID='w1')))
    assert 'this node is a swarm worker (node w1)' in worker
    assert OVERLAY_SPEC.preflight(FakeDocker(swarm=dict(LocalNodeState='active', ControlAvailable=True))) is None


def swarm_node(hostname, engine_version):
    """A node as GET /nodes lists it, with the engine its daemon runs."""
    return dict(ID='id-' + hostname, Description=dict(Hostname=hostname, Engine=dict(EngineVersion=engine_version)))


def on_swarm(*nodes):
    driver = OverlayDriver()
    driver.preflight(FakeDocker(swarm=dict(LocalNodeState='active', ControlAvailable=True), nodes=nodes))
    return driver


def test_an_encrypted_network_on_a_swarm_that_mixes_29_0_to_29_2_with_other_engines_is_refused():
    """moby#51798: 29.0.0-29.2.0 compute the IPsec key index another way; traffic between the two sides is dropped."""
    driver = on_swarm(swarm_node('h1', '29.7.2'), swarm_node('h2', '29.1.3'), swarm_node('h3', '28.5.2'))
    problems = driver.batch_problems([desired(name='secret', encrypted=True), desired(name='plain')], [])
    assert problems == [('secret', 'encrypted', (
        'traffic cannot pass: the swarm mixes Docker Engine 29.0.0 to 29.2.0, which computes the IPsec key index of encrypted overlays '
        'differently (moby#51798, fixed in 29.2.1), on h2 (29.1.3) with other releases on h1 (29.7.2), h3 (28.5.2): '
        'encrypted traffic between them is dropped; upgrade h2 to 29.2.1 or later'))]


def test_an_encrypted_network_kept_as_it_is_is_checked_too_and_an_unencrypted_one_never():
    driver = on_swarm(swarm_node('h1', '29.0.0'), swarm_node('h2', '29.2.1'))
    existing = [overlay_network('secret', options={'encrypted': ''})]
    assert [problem[0] for problem in driver.batch_problems([desired(name='secret')], existing)] == ['secret']
    assert driver.batch_problems([desired(name='secret', encrypted=False)], existing) == []
    assert driver.batch_problems([desired(name='plain')], [overlay_network('plain')]) == []


def test_an_encrypted_network_on_engines_of_one_side_is_accepted():
    assert on_swarm(swarm_node('h1', '29.7.2'), swarm_node('h2', '20.10.24'), swarm_node('h3', '29.2.1')).batch_problems(
        [desired(name='secret', encrypted=True)], []) == []
    assert on_swarm(swarm_node('h1', '29.0.0'), swarm_node('h2', '29.2.0')).batch_problems(
        [desired(name='secret', encrypted=True)], []) == []
