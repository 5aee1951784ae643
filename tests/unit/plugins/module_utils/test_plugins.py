# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of module_utils/_plugins.py: names, settings, privileges, users of a plugin.

What the Engine does with these is tested against real daemons in the network_plugins
integration target; the inputs here are shaped like real `docker plugin inspect` output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import os
import tarfile

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _client, _plugins as plugins
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker

INSPECTED = {
    'Id': 'ff10645d',
    'Name': 'fleetnet-test-net:latest',
    'Enabled': True,
    'PluginReference': 'fleetnet-test-net:latest',
    'Settings': {
        'Env': ['LOG_FILE=/logs/calls.log', 'LOG_TAG=default', 'EMPTY='],
        'Mounts': [{'Name': 'logs', 'Source': '/run/x', 'Destination': '/logs'}, {'Name': '', 'Source': '/fixed'}],
        'Devices': [{'Name': 'tun', 'Path': '/dev/net/tun'}],
        'Args': [],
    },
    'Config': {
        'Description': 'test driver',
        'Interface': {'Socket': 'fleetnet.sock', 'Types': ['docker.networkdriver/1.0']},
    },
}


@pytest.mark.parametrize('given, stored', [
    ('weave', 'weave:latest'),
    ('weave:2.8.1', 'weave:2.8.1'),
    ('registry.local:5000/net/weave', 'registry.local:5000/net/weave:latest'),
    ('registry.local:5000/net/weave:1', 'registry.local:5000/net/weave:1'),
    ('weave@sha256:abc', 'weave@sha256:abc'),
])
def test_plugin_name_adds_latest_only_without_a_tag(given, stored):
    assert plugins.plugin_name(given) == stored


@pytest.mark.parametrize('given, normalized', [
    ('sshfs', 'docker.io/library/sshfs:latest'),
    ('vieux/sshfs', 'docker.io/vieux/sshfs:latest'),
    ('docker.io/vieux/sshfs:next', 'docker.io/vieux/sshfs:next'),
    ('localhost/net:1', 'localhost/net:1'),
    ('registry.local:5000/net', 'registry.local:5000/net:latest'),
])
def test_normalize_reference_matches_what_docker_reports(given, normalized):
    assert plugins.normalize_reference(given) == normalized


def test_parse_settings_keeps_empty_values_and_equals_signs():
    parsed, errors = plugins.parse_settings(['A=1', 'B=', 'C=x=y', 'A=2'])
    assert parsed == {'A': '2', 'B': '', 'C': 'x=y'}
    assert errors == []


def test_parse_settings_names_every_bad_item():
    parsed, errors = plugins.parse_settings(['NOVALUE', '=x', 'TWO WORDS=1', 'OK=1'])
    assert parsed == {'OK': '1'}
    assert errors == ['"NOVALUE" is not KEY=VALUE', '"=x" is not KEY=VALUE', '"TWO WORDS=1" is not KEY=VALUE']


def test_current_settings_uses_docker_plugin_set_keys():
    assert plugins.current_settings(INSPECTED) == {
        'LOG_FILE': '/logs/calls.log', 'LOG_TAG': 'default', 'EMPTY': '',
        'logs.source': '/run/x', 'tun.path': '/dev/net/tun',
    }


def test_current_settings_joins_args():
    assert plugins.current_settings({'Settings': {'Args': ['-v', '--x=1']}}) == {'args': '-v --x=1'}
    assert plugins.current_settings({}) == {}


def test_only_given_settings_are_compared():
    current = plugins.current_settings(INSPECTED)
    assert plugins.settings_changes({'LOG_TAG': 'default'}, current) == {}
    assert plugins.settings_changes({'LOG_TAG': 'new', 'logs.source': '/run/x'}, current) == {'LOG_TAG': 'new'}
    assert plugins.unknown_settings({'LOG_TAG': 'x', 'NOPE': '1', 'args': ''}, current) == ['NOPE', 'args']


def test_gathered_settings_feed_back_without_change():
    described = plugins.describe(INSPECTED)
    parsed, errors = plugins.parse_settings(described['settings'])
    assert errors == []
    assert plugins.settings_changes(parsed, plugins.current_settings(INSPECTED)) == {}


def test_describe():
    described = plugins.describe(INSPECTED)
    assert described['name'] == 'fleetnet-test-net:latest'
    assert described['enabled'] is True
    assert described['types'] == ['docker.networkdriver/1.0']
    assert described['settings'][0] == 'EMPTY='
    assert described['description'] == 'test driver'


def test_interface_types_as_objects():
    assert plugins.interface_type({'Prefix': 'docker', 'Capability': 'ipamdriver', 'Version': '1.0'}) == 'docker.ipamdriver/1.0'


REQUIRED = [
    {'Name': 'network', 'Description': '', 'Value': ['host']},
    {'Name': 'capabilities', 'Description': '', 'Value': ['CAP_NET_ADMIN', 'CAP_SYS_ADMIN']},
]


def test_all_privileges_granted():
    granted = [{'name': 'network', 'value': ['host']}, {'name': 'capabilities', 'value': ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN']}]
    assert plugins.missing_privileges(REQUIRED, granted) == []


def test_missing_privileges_named_with_the_values_not_accepted():
    granted = [{'name': 'capabilities', 'value': ['CAP_NET_ADMIN']}]
    assert plugins.missing_privileges(REQUIRED, granted) == ['network=host', 'capabilities=CAP_SYS_ADMIN']
    assert plugins.missing_privileges(REQUIRED, None) == ['network=host', 'capabilities=CAP_NET_ADMIN,CAP_SYS_ADMIN']


def test_privilege_without_values_needs_only_its_name():
    required = [{'Name': 'allow-all-devices', 'Value': []}]
    assert plugins.missing_privileges(required, []) == ['allow-all-devices=']
    assert plugins.missing_privileges(required, [{'name': 'allow-all-devices', 'value': []}]) == []


def test_networks_using_matches_driver_with_or_without_tag_and_ipam():
    networks = [
        {'Name': 'b', 'Driver': 'fleetnet-test-net:latest', 'IPAM': {'Driver': 'default'}},
        {'Name': 'a', 'Driver': 'fleetnet-test-net', 'IPAM': {'Driver': 'default'}},
        {'Name': 'ipam', 'Driver': 'bridge', 'IPAM': {'Driver': 'fleetnet-test-net:latest'}},
        {'Name': 'other', 'Driver': 'fleetnet-test-net-2:latest', 'IPAM': None},
        {'Name': 'bridge', 'Driver': 'bridge'},
    ]
    assert plugins.networks_using(networks, 'fleetnet-test-net') == ['a', 'b', 'ipam']
    assert plugins.networks_using(networks, 'fleetnet-test-net:2') == []


def test_networks_using_a_tagged_plugin_only_matches_that_tag():
    networks = [{'Name': 'n', 'Driver': 'drv:1'}, {'Name': 'm', 'Driver': 'drv'}]
    assert plugins.networks_using(networks, 'drv:1') == ['n']


def _archive(path, names, mode='w:gz'):
    with tarfile.open(path, mode) as archive:
        for name in names:
            info = tarfile.TarInfo(name)
            if name.endswith('/'):
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = 2
                archive.addfile(info, io.BytesIO(b'{}'))


@pytest.mark.parametrize('mode', ['w', 'w:gz', 'w:bz2', 'w:xz'])
def test_archive_checks_and_decompresses(tmp_path, mode):
    path = str(tmp_path / 'plugin.tar')
    _archive(path, ['./config.json', './rootfs/'], mode)
    assert plugins.archive_problem(path) is None
    with plugins.open_decompressed(path) as stream:
        # What the Engine receives must be a plain tar.
        with tarfile.open(fileobj=io.BytesIO(stream.read()), mode='r:') as plain:
            assert 'rootfs' in [name.lstrip('./') for name in plain.getnames()]


def test_archive_problems(tmp_path):
    not_tar = tmp_path / 'x.c'
    not_tar.write_text('int main;')
    assert plugins.archive_problem(str(not_tar)).startswith('is not a tar archive')
    no_rootfs = str(tmp_path / 'p.tar')
    _archive(no_rootfs, ['config.json'])
    assert plugins.archive_problem(no_rootfs) == 'has no rootfs at its top level'


def test_folder_problem(tmp_path):
    assert plugins.folder_problem(str(tmp_path)) == 'has no config.json and no rootfs'
    (tmp_path / 'config.json').write_text('{}')
    os.mkdir(str(tmp_path / 'rootfs'))
    assert plugins.folder_problem(str(tmp_path)) is None


# ---- PluginRunner's plan, on a fake daemon ----
# Installing from and upgrading to a registry reference cannot run on the sandbox fleet (no
# registry), so the order of the steps and the privilege gate are checked here against a fake.

class FakeModule:
    def __init__(self, check_mode=False, **params):
        self.params = dict(name='drv', state='present', enabled=True, reference=None, path=None,
                           settings=None, granted_privileges=None)
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = True


def daemon(installed=None, networks=(), privileges=()):
    """The shared fake daemon (host h9) with ``installed`` as its one plugin, if any."""
    return FakeDocker(host='h9', plugins=[installed] if installed else [], networks=networks, privileges=privileges)


def run(api, **params):
    return plugins.PluginRunner(FakeModule(**params), api).run()


NEEDS = [{'Name': 'network', 'Value': ['host']}, {'Name': 'capabilities', 'Value': ['CAP_NET_ADMIN']}]
GRANTED = [{'name': 'network', 'value': ['host']}, {'name': 'capabilities', 'value': ['CAP_NET_ADMIN']}]


def test_install_from_reference_refused_without_privileges_and_nothing_pulled():
    api = daemon(privileges=NEEDS)
    with pytest.raises(ModuleFailure) as failed:
        run(api, reference='example/drv:1', granted_privileges=GRANTED[:1])
    assert str(failed.value) == ('plugin "drv:latest" on h9: field "granted_privileges": example/drv:1 asks for '
                                 'privileges that are not granted: capabilities=CAP_NET_ADMIN')
    assert api.writes() == []


def test_install_from_reference_pulls_sets_then_enables():
    api = daemon(privileges=NEEDS)
    result = run(api, reference='example/drv:1', granted_privileges=GRANTED, settings=['LOG_TAG=x'])
    assert api.writes() == [('pull_plugin', 'example/drv:1', 'drv:latest'),
                            ('configure_plugin', 'drv:latest', {'LOG_TAG': 'x'}), ('enable_plugin', 'drv:latest')]
    assert [a['action'] for a in result['actions']] == ['installed', 'configured', 'enabled']
    assert result['changed'] and result['before'] is None


def test_check_mode_plans_without_touching_the_daemon():
    api = daemon(privileges=NEEDS)
    result = run(api, check_mode=True, reference='example/drv:1', granted_privileges=GRANTED)
    assert api.writes() == []
    assert result['changed']
    assert result['after']['reference'] == 'docker.io/example/drv:1'


def test_same_reference_is_no_change():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest', PluginReference='docker.io/example/drv:1'))
    result = run(api, reference='example/drv:1')
    assert api.writes() == [] and not result['changed']
    assert result['actions'][0]['action'] == 'unchanged'


def test_other_reference_upgrades_a_disabled_plugin_and_enables_it_again():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest', PluginReference='docker.io/example/drv:1'),
                 privileges=NEEDS)
    result = run(api, reference='example/drv:2', granted_privileges=GRANTED)
    assert api.writes() == [('disable_plugin', 'drv:latest'), ('upgrade_plugin', 'drv:latest', 'docker.io/example/drv:2'),
                            ('enable_plugin', 'drv:latest')]
    assert result['diff']['after']['reference'] == 'docker.io/example/drv:2'


def test_upgrade_refused_while_a_network_uses_the_plugin():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest', PluginReference='docker.io/example/drv:1'),
                 networks=[{'Name': 'backend', 'Driver': 'drv:latest'}], privileges=NEEDS)
    with pytest.raises(ModuleFailure) as failed:
        run(api, reference='example/drv:2', granted_privileges=GRANTED)
    assert 'field "reference": cannot disable the plugin to upgrade it: used by network(s) "backend"' in str(failed.value)
    assert api.writes() == []


def test_remove_disables_first_and_is_refused_while_used():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest'), networks=[{'Name': 'n1', 'Driver': 'drv'}])
    with pytest.raises(ModuleFailure):
        run(api, state='absent')
    api.networks = []
    result = run(api, state='absent')
    assert api.writes() == [('disable_plugin', 'drv:latest'), ('remove_plugin', 'drv:latest')]
    assert result['after'] is None and result['diff']['after'] == {}


def test_gathered():
    api = daemon(installed=dict(INSPECTED))
    result = run(api, name=None, state='gathered')
    assert result == {'changed': False, 'plugins': [plugins.describe(INSPECTED)]}


def test_create_from_a_compressed_archive_posts_the_plain_tar_and_enables(tmp_path):
    path = str(tmp_path / 'plugin.tar.gz')
    _archive(path, ['./config.json', './rootfs/'])
    api = daemon()
    result = run(api, path=path)
    assert [entry[0] for entry in api.writes()] == ['create_plugin_from_tar', 'enable_plugin']
    with tarfile.open(fileobj=io.BytesIO(api.writes()[0][2]), mode='r:') as plain:
        assert './rootfs' in plain.getnames()
    assert result['after']['enabled'] is True


def test_create_from_a_folder_and_refusals_of_a_bad_path(tmp_path):
    (tmp_path / 'config.json').write_text('{}')
    os.mkdir(str(tmp_path / 'rootfs'))
    api = daemon()
    run(api, path=str(tmp_path), enabled=False)
    assert api.writes() == [('create_plugin', 'drv:latest', str(tmp_path))]
    with pytest.raises(ModuleFailure) as failed:
        run(daemon(), path=str(tmp_path / 'nowhere'))
    assert str(failed.value).endswith('field "path": %s does not exist on the managed node' % (tmp_path / 'nowhere'))
    with pytest.raises(ModuleFailure) as failed:
        run(daemon())
    assert 'field "reference": the plugin is not installed; give reference (a registry) or path' in str(failed.value)


def test_a_pull_whose_stream_ends_with_an_error_fails_with_it():
    api = daemon(privileges=NEEDS)
    api.pull_plugin = lambda reference, privileges, name: iter([{'status': 'pulling'}, {'error': 'manifest unknown'}])
    with pytest.raises(ModuleFailure) as failed:
        run(api, reference='example/drv:1', granted_privileges=GRANTED)
    assert str(failed.value) == 'plugin "drv:latest" on h9: installing from example/drv:1 failed: manifest unknown'


def test_settings_change_on_an_enabled_plugin_disables_sets_and_enables_again():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest'))
    result = run(api, settings=['LOG_TAG=new'])
    assert [entry[0] for entry in api.writes()] == ['disable_plugin', 'configure_plugin', 'enable_plugin']
    assert [action['action'] for action in result['actions']] == ['disabled', 'configured', 'enabled']
    with pytest.raises(ModuleFailure) as failed:
        run(daemon(installed=dict(INSPECTED, Name='drv:latest')), settings=['NOPE=1'])
    assert 'field "settings": the plugin has no setting NOPE; it has ' in str(failed.value)


def test_enabled_false_disables_and_absent_of_nothing_is_no_change():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest'))
    result = run(api, enabled=False)
    assert api.writes() == [('disable_plugin', 'drv:latest')] and result['after']['enabled'] is False
    nothing = run(daemon(), state='absent')
    assert not nothing['changed'] and nothing['actions'][0]['reason'] == 'not installed'


def test_an_inspect_docker_refuses_fails_naming_the_plugin():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest'))
    api.fail('inspect_plugin', 'permission denied', times=2)
    with pytest.raises(_client.DockerAPIError) as failed:
        run(api)
    assert str(failed.value) == 'inspecting plugin "drv:latest" on h9 failed: permission denied'


def test_a_step_docker_refuses_half_way_reports_what_was_done_and_what_was_not():
    api = daemon(privileges=NEEDS)
    api.fail('configure_plugin', 'plugin must be disabled')
    with pytest.raises(ModuleFailure) as failed:
        run(api, reference='example/drv:1', granted_privileges=GRANTED, settings=['LOG_TAG=x'])
    result = failed.value.result()
    assert result['msg'] == 'plugin "drv:latest": setting LOG_TAG on h9 failed: plugin must be disabled'
    assert result['changed'] is True
    assert [action['action'] for action in result['actions']] == ['installed']
    assert [action['action'] for action in result['not_done']] == ['configured']
    assert [entry[0] for entry in api.writes()] == ['pull_plugin', 'configure_plugin']


def test_a_refusal_in_check_mode_changed_nothing():
    api = daemon(installed=dict(INSPECTED, Name='drv:latest'))
    with pytest.raises(ModuleFailure) as failed:
        plugins.PluginRunner(FakeModule(check_mode=True, settings=['NOPE=1']), api).run()
    result = failed.value.result()
    assert result['changed'] is False and result['actions'] == []
