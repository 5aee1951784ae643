# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plugin driver: driver and IPAM fields per network, finding the driver on the host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import complete_config, from_docker, gathered_form, normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import static_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers import plugin as plugin_networks
from ansible_collections.fleetnet.docker.plugins.module_utils._drivers.plugin import PluginDriver
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker

PLUGIN_SPEC = PluginDriver()


BUILTIN_READY = ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay']


def plugin_network(name='backend', driver='it-net:latest', ipam_driver='default', ipam_options=None, scope='local'):
    # As GET /networks reports a network made with `docker network create -d it-net:latest --ipam-opt k=v`.
    return dict(Name=name, Id='a' * 64, Driver=driver, Scope=scope, EnableIPv6=False, Internal=False,
                Attachable=True, Ingress=False, ConfigOnly=False, ConfigFrom=dict(Network=''),
                IPAM=dict(Driver=ipam_driver, Options=ipam_options,
                          Config=[dict(Subnet='172.18.0.0/16', Gateway='172.18.0.1')]),
                Options={}, Labels={})


def managed(name, enabled=True, capability='networkdriver'):
    return dict(Name=name, Enabled=enabled,
                Config=dict(Interface=dict(Types=[dict(Prefix='docker', Capability=capability, Version='1.0')])))


def desired(**item):
    return normalise_desired(PLUGIN_SPEC, item)


def test_gathered_form_feeds_back_without_difference():
    existing = from_docker(PLUGIN_SPEC, plugin_network(ipam_options={'pool': 'a'}))
    assert existing['driver'] == 'it-net:latest'
    assert existing['ipam_driver'] == 'default' and existing['ipam_options'] == {'pool': 'a'}
    assert existing['scope'] == 'local'
    fed_back = desired(**gathered_form(existing))
    assert differences(PLUGIN_SPEC, fed_back, existing, 'replaced') == []


def test_ipam_options_null_in_the_api_is_no_options():
    existing = from_docker(PLUGIN_SPEC, plugin_network(ipam_options=None))
    assert existing['ipam_options'] == {}
    assert differences(PLUGIN_SPEC, desired(name='backend', driver='it-net:latest', attachable=True), existing,
                       'replaced') == []
    assert differences(PLUGIN_SPEC, desired(name='backend', ipam_options={'pool': 'b'}), existing,
                       'merged') == ['ipam_options']


def test_scope_not_given_is_the_plugins_choice_also_when_replaced():
    existing = from_docker(PLUGIN_SPEC, plugin_network(scope='global'))
    assert differences(PLUGIN_SPEC, desired(name='backend', driver='it-net:latest', attachable=True), existing,
                       'replaced') == []
    assert differences(PLUGIN_SPEC, desired(name='backend', scope='local'), existing, 'merged') == ['scope']


def test_another_driver_is_a_difference():
    existing = from_docker(PLUGIN_SPEC, plugin_network())
    assert differences(PLUGIN_SPEC, desired(name='backend', driver='other:latest'), existing, 'merged') == ['driver']


def test_payload_carries_driver_ipam_driver_and_options():
    payload = render_payload(PLUGIN_SPEC, complete_config(PLUGIN_SPEC, desired(
        name='backend', driver='it-net:latest', ipam_driver='my-ipam:latest', ipam_options={'pool': 'a', 'n': 2},
        scope='local', attachable=True)))
    assert payload['Driver'] == 'it-net:latest'
    assert payload['IPAM'] == dict(Driver='my-ipam:latest', Config=[], Options={'pool': 'a', 'n': '2'})
    assert payload['Scope'] == 'local' and payload['Attachable'] is True
    plain = render_payload(PLUGIN_SPEC, complete_config(PLUGIN_SPEC, desired(name='b', driver='x')))
    assert plain['IPAM'] == dict(Driver='default', Config=[], Options={}) and 'Scope' not in plain


def test_driver_is_required_except_for_deleted_and_builtin_drivers_are_refused():
    configs = [desired(name='nodriver'), desired(name='builtin', driver='bridge'), desired(name='hosty', driver='host')]
    problems = static_problems(PLUGIN_SPEC, configs, 'merged')
    assert [(name, field) for name, field, _reason in problems] == [
        ('nodriver', 'driver'), ('builtin', 'driver'), ('hosty', 'driver')]
    assert 'use fleetnet.docker.bridge_networks' in problems[1][2]
    assert 'predefined network' in problems[2][2]
    assert static_problems(PLUGIN_SPEC, configs, 'deleted') == []


def test_manages_only_networks_on_drivers_docker_does_not_ship():
    assert PLUGIN_SPEC.manages(plugin_network())
    for driver in ('bridge', 'overlay', 'macvlan', 'ipvlan', 'host', 'null'):
        assert not PLUGIN_SPEC.manages(plugin_network(driver=driver))
    assert not PLUGIN_SPEC.manages(dict(plugin_network(driver='null'), ConfigOnly=True))


def test_resolve_adds_the_tag_a_managed_plugin_registered():
    ready = BUILTIN_READY + ['it-net:latest']
    assert plugin_networks.resolve_plugin('it-net', 'networkdriver', ready, [], []) == ('it-net:latest', None)
    assert plugin_networks.resolve_plugin('it-net:latest', 'networkdriver', ready, [], []) == ('it-net:latest', None)


def test_resolve_names_a_disabled_plugin_and_one_of_another_kind():
    plugins = [managed('it-net:latest', enabled=False), managed('vol:latest', capability='volumedriver')]
    name, reason = plugin_networks.resolve_plugin('it-net', 'networkdriver', BUILTIN_READY, plugins, [])
    assert name is None and 'it-net:latest, which is installed but disabled' in reason
    name, reason = plugin_networks.resolve_plugin('vol', 'networkdriver', BUILTIN_READY, plugins, [])
    assert name is None and 'not a network driver (it provides: volumedriver)' in reason


def test_resolve_finds_a_legacy_plugin_by_name():
    assert plugin_networks.resolve_plugin('weave', 'networkdriver', BUILTIN_READY, [], ['weave']) == ('weave', None)


def test_missing_driver_lists_what_the_host_has():
    plugins = [managed('a-net:latest'), managed('b-net:latest', enabled=False)]
    name, reason = plugin_networks.resolve_plugin('nosuch', 'networkdriver', BUILTIN_READY + ['a-net:latest'],
                                                  plugins, ['weave'])
    assert name is None
    assert reason == ('"nosuch" is not installed on this host; enabled network plugins: a-net:latest; installed '
                      'managed plugins: a-net:latest (enabled), b-net:latest (disabled); legacy plugins: weave')


def test_ipam_plugins_are_found_by_capability():
    plugins = [managed('my-ipam:latest', capability='ipamdriver')]
    assert plugin_networks.resolve_plugin('my-ipam', 'ipamdriver', None, plugins, []) == ('my-ipam:latest', None)
    name, reason = plugin_networks.resolve_plugin('nosuch', 'ipamdriver', None, plugins, [])
    assert name is None and reason.endswith('installed managed plugins: my-ipam:latest (enabled); legacy plugins: none')


def test_legacy_names_come_from_sockets_and_spec_files(tmp_path):
    (tmp_path / 'run').mkdir()
    (tmp_path / 'run' / 'weave.sock').write_text('')
    (tmp_path / 'run' / 'calico').mkdir()
    (tmp_path / 'run' / 'calico' / 'calico.sock').write_text('')
    # A managed plugin's socket sits in a folder named by its ID: not a legacy plugin.
    (tmp_path / 'run' / ('f' * 64)).mkdir()
    (tmp_path / 'run' / ('f' * 64) / 'net.sock').write_text('')
    (tmp_path / 'etc').mkdir()
    (tmp_path / 'etc' / 'infoblox.spec').write_text('tcp://127.0.0.1:8080')
    patterns = [os.path.join(str(tmp_path), 'run', '*.sock'), os.path.join(str(tmp_path), 'run', '*', '*.sock'),
                os.path.join(str(tmp_path), 'etc', '*.spec')]
    assert plugin_networks.legacy_plugin_names(patterns) == ['calico', 'infoblox', 'weave']


def test_resolve_desired_writes_the_tag_and_reads_the_host_once():
    daemon = FakeDocker(info=dict(Plugins=dict(Network=BUILTIN_READY)),
                        plugins=[managed('it-net:latest'), managed('my-ipam:latest', capability='ipamdriver')])
    configs = [desired(name='a', driver='it-net', ipam_driver='my-ipam'), desired(name='b', driver='it-net')]
    problems = PLUGIN_SPEC.resolve_desired(daemon, configs)
    assert problems == []
    assert [(config['driver'], config['ipam_driver']) for config in configs] == \
        [('it-net:latest', 'my-ipam:latest'), ('it-net:latest', None)]
    assert daemon.call_names() == ['info', 'list_plugins']


def test_resolve_desired_names_each_network_whose_driver_is_missing():
    daemon = FakeDocker(info=dict(Plugins=dict(Network=BUILTIN_READY)), plugins=[managed('it-net:latest', enabled=False)])
    problems = PLUGIN_SPEC.resolve_desired(daemon, [desired(name='a', driver='it-net'), desired(name='b', driver='nosuch')])
    assert [(name, field) for name, field, reason in problems] == [('a', 'driver'), ('b', 'driver')]
    assert 'installed but disabled' in problems[0][2]
