# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of parent_interfaces: parsing ``ip -j`` output, validation, planning, networkd files.

The inputs are shaped like real iproute2 6.1 JSON output captured on a sandbox host.
"""

import json
import socket

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _host_reads, _networkd
from ansible_collections.fleetnet.docker.plugins.module_utils import _parent_interfaces, _parent_interfaces_checks as checks
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

LINKS = [
    {'ifname': 'lo', 'flags': ['LOOPBACK', 'UP', 'LOWER_UP'], 'mtu': 65536},
    {'ifname': 'eth0', 'flags': ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'mtu': 1500, 'link_index': 36,
     'linkinfo': {'info_kind': 'veth'}},
    {'ifname': 'shim0', 'link': 'eth0', 'flags': ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'mtu': 1500,
     'linkinfo': {'info_kind': 'macvlan', 'info_data': {'mode': 'bridge'}}, 'ifalias': checks.MARK},
]
ADDRS = [
    {'ifname': 'eth0', 'addr_info': [{'family': 'inet', 'local': '10.0.0.11', 'prefixlen': 24, 'scope': 'global'},
                                     {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'}]},
    {'ifname': 'shim0', 'addr_info': [{'family': 'inet', 'local': '10.0.0.62', 'prefixlen': 32, 'scope': 'global'}]},
]
ROUTES = [
    {'dst': '10.0.0.0/24', 'dev': 'eth0', 'protocol': 'kernel'},
    {'dst': '10.0.0.64/28', 'dev': 'shim0', 'scope': 'link'},
    {'dst': '10.9.9.9', 'dev': 'shim0', 'scope': 'link'},
    {'dst': 'default', 'dev': 'eth0'},
]
DEFAULTS = {'state': 'present', 'persist': 'none'}


def host():
    return _host_reads.links_from_json(LINKS, ADDRS, ROUTES)


def shim(**extra):
    item = dict(name='shim0', type='shim', parent='eth0', address='10.0.0.62/32', routes=['10.0.0.64/28'])
    item.update(extra)
    return checks.normalise([item], DEFAULTS)[0]


def test_parsing_keeps_configured_addresses_and_routes_only():
    links = host()
    assert links['eth0']['addresses'] == ['10.0.0.11/24']
    assert links['eth0']['routes'] == []
    assert links['shim0']['parent'] == 'eth0'
    assert links['shim0']['mode'] == 'bridge'
    assert links['shim0']['routes'] == ['10.0.0.64/28', '10.9.9.9/32']
    assert links['eth0']['parent'] is None  # a veth peer in another namespace has no name here


def test_vlan_name_defaults_to_parent_dot_id_and_item_defaults_come_from_module():
    item = checks.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 20}], {'state': 'absent', 'persist': 'networkd'})[0]
    assert (item['name'], item['state'], item['persist'], item['take_over']) == ('eth0.20', 'absent', 'networkd', False)


def test_static_problems_name_field_and_reason():
    items = checks.normalise([
        {'type': 'vlan', 'parent': 'eth0', 'vlan_id': 0},
        {'name': 's1', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.1'},
        {'name': 's2', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.1/32', 'routes': ['10.0.0.65/28']},
        {'name': 'eth0', 'type': 'promiscuous', 'address': '10.0.0.1/32'},
        {'name': 's2', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.2/32'},
    ], DEFAULTS)
    problems = checks.static_problems(items, runtime=True)
    assert ('eth0.0', 'vlan_id', '0 is out of range 1-4094') in problems
    assert ('s1', 'address', '"10.0.0.1" is not a valid CIDR (address/prefix length)') in problems
    assert ('s2', 'routes', '"10.0.0.65/28" has host bits set; write the network address') in problems
    assert ('eth0', 'address', 'does not apply to type promiscuous') in problems
    assert ('s2', 'name', 'is listed 2 times in config') in problems
    assert len(problems) == 5


def test_absent_items_need_only_a_name():
    items = checks.normalise([{'name': 'x', 'type': 'shim'}, {'name': 'y.5', 'type': 'vlan'}], {'state': 'absent', 'persist': 'none'})
    assert checks.static_problems(items, runtime=True) == []


def test_runtime_false_needs_networkd():
    items = checks.normalise([{'name': 'x', 'type': 'shim'}], {'state': 'absent', 'persist': 'none'})
    assert checks.static_problems(items, runtime=False)[0][:2] == ('*', 'runtime')


def test_matching_shim_is_unchanged():
    links = host()
    assert _parent_interfaces.runtime_plan(shim(routes=['10.0.0.64/28', '10.9.9.9/32']), links['shim0'], {}) == ('unchanged', [], [])


def test_changed_shim_adds_the_new_address_before_removing_the_old_one():
    links = host()
    action, differences, commands = _parent_interfaces.runtime_plan(shim(address='10.0.0.63/32'), links['shim0'], {})
    assert action == 'updated'
    assert differences == ['address', 'routes']
    assert commands == [
        ['ip', 'addr', 'add', '10.0.0.63/32', 'dev', 'shim0'],
        ['ip', 'addr', 'del', '10.0.0.62/32', 'dev', 'shim0'],
        ['ip', 'route', 'del', '10.9.9.9/32', 'dev', 'shim0'],
    ]


def test_new_shim_is_created_marked_and_brought_up_before_addresses():
    action, differences, commands = _parent_interfaces.runtime_plan(shim(mtu=1400), None, {})
    assert (action, differences) == ('created', ['state'])
    assert [command[:4] for command in commands] == [
        ['ip', 'link', 'add', 'link'], ['ip', 'link', 'set', 'dev'], ['ip', 'link', 'set', 'dev'],
        ['ip', 'addr', 'add', '10.0.0.62/32'], ['ip', 'route', 'add', '10.0.0.64/28']]
    assert commands[0] == ['ip', 'link', 'add', 'link', 'eth0', 'name', 'shim0', 'mtu', '1400', 'type', 'macvlan', 'mode', 'bridge']
    assert commands[1][-1] == checks.MARK


def test_moving_a_shim_to_another_parent_recreates_it():
    action, differences, commands = _parent_interfaces.runtime_plan(shim(parent='eth1'), host()['shim0'], {})
    assert (action, differences) == ('recreated', ['parent'])
    assert commands[0] == ['ip', 'link', 'del', 'dev', 'shim0']
    assert ['ip', 'addr', 'add', '10.0.0.62/32', 'dev', 'shim0'] in commands


def test_promiscuous_on_and_off():
    links = host()
    item = checks.normalise([{'name': 'eth0', 'type': 'promiscuous'}], DEFAULTS)[0]
    assert _parent_interfaces.runtime_plan(item, links['eth0'], {})[2] == [['ip', 'link', 'set', 'dev', 'eth0', 'promisc', 'on']]
    links['eth0']['promiscuous'] = True
    assert _parent_interfaces.runtime_plan(item, links['eth0'], {})[0] == 'unchanged'
    item['state'] = 'absent'
    assert _parent_interfaces.runtime_plan(item, links['eth0'], {})[2] == [['ip', 'link', 'set', 'dev', 'eth0', 'promisc', 'off']]


def test_foreign_links_are_refused_without_take_over_and_parents_must_exist():
    links = host()
    links['shim0']['alias'] = None
    items = [shim(), checks.normalise([{'name': 'other', 'type': 'shim', 'parent': 'eth9', 'address': '10.0.0.1/32'}], DEFAULTS)[0]]
    problems = checks.ownership_problems(items, links, {}, runtime=True)
    assert problems[0][:2] == ('shim0', 'take_over')
    assert problems[1] == ('other', 'parent', '"eth9" does not exist; interfaces on the host: eth0, lo, shim0')
    # Our networkd file marks it ours too: after a reboot networkd made it and the alias is gone.
    assert checks.ownership_problems([shim()], links, {'10-fleetnet-shim0.netdev': ''}, runtime=True) == []
    assert checks.ownership_problems([shim(take_over=True)], links, {}, runtime=True) == []


def test_take_over_refuses_a_link_of_another_kind():
    problems = checks.ownership_problems([shim(name='eth0', take_over=True)], host(), {}, runtime=True)
    assert problems == [('eth0', 'take_over', 'the existing link is a veth link, not macvlan; it cannot be adopted as a shim')]


def test_shim_on_a_vlan_of_the_same_config_is_not_an_orphan():
    items = checks.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 20},
                              {'name': 's', 'type': 'shim', 'parent': 'eth0.20', 'address': '10.0.0.1/32'}], DEFAULTS)
    assert checks.ownership_problems(items, host(), {}, runtime=True) == []


def test_network_file_discovery_follows_match_name_globs_in_name_order():
    files = {'99-all.network': '[Match]\nName=*\n', '20-lan.network': '[Match]\nName=en* eth0\n', '10-wifi.network': '[Match]\nName=wl*\n'}
    assert _networkd.find_network_file('eth0', files) == '20-lan.network'
    assert _networkd.find_network_file('wlan0', files) == '10-wifi.network'
    assert _networkd.find_network_file('eth0', {'x.network': '[Match]\nMACAddress=aa:bb\n'}) is None


def test_vlan_files():
    item = checks.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 30, 'mtu': 1400}], DEFAULTS)[0]
    files = _networkd.render_files(item, '20-lan.network')
    assert sorted(files) == ['10-fleetnet-eth0.30.netdev', '10-fleetnet-eth0.30.network', '20-lan.network.d/fleetnet-link-eth0.30.conf']
    assert files['10-fleetnet-eth0.30.netdev'].startswith(_networkd.HEADER)
    assert '[NetDev]\nName=eth0.30\nKind=vlan\nMTUBytes=1400\n\n[VLAN]\nId=30\n' in files['10-fleetnet-eth0.30.netdev']
    assert '[Network]\nVLAN=eth0.30\n' in files['20-lan.network.d/fleetnet-link-eth0.30.conf']
    assert all(_networkd.owned_by(item, path) for path in files)


def test_shim_and_promiscuous_files():
    files = _networkd.render_files(shim(routes=['10.0.0.64/28', '10.0.0.80/28']), '20-lan.network')
    network = files['10-fleetnet-shim0.network']
    assert 'Address=10.0.0.62/32' in network
    assert network.count('[Route]\nDestination=') == 2
    assert '[MACVLAN]\nMode=bridge\n' in files['10-fleetnet-shim0.netdev']
    promiscuous = checks.normalise([{'name': 'eth0', 'type': 'promiscuous'}], DEFAULTS)[0]
    assert _networkd.render_files(promiscuous, '20-lan.network') == {
        '20-lan.network.d/fleetnet-promiscuous-eth0.conf': _networkd.HEADER + '\n[Link]\nPromiscuous=yes\n'}
    assert not _networkd.owned_by(promiscuous, '20-lan.network.d/fleetnet-link-eth0.conf')


def test_views_in_config_format():
    links = host()
    expected = {'name': 'shim0', 'type': 'shim', 'state': 'present', 'parent': 'eth0',
                'mtu': 1500, 'address': '10.0.0.62/32', 'routes': ['10.0.0.64/28', '10.9.9.9/32']}
    assert _parent_interfaces.view(shim(), links['shim0']) == expected
    new = shim(name='shim1')
    assert _parent_interfaces.desired_view(new, _parent_interfaces.view(new, None), links)['mtu'] == 1500  # inherited from the parent
    assert _parent_interfaces.view(new, None) == {'name': 'shim1', 'type': 'shim', 'state': 'absent'}


def test_error_summary():
    problems = [('a', 'mtu', 'is bad'), ('*', 'runtime', 'is bad')]
    assert checks.summary('h1', problems[:1]) == 'interface "a" on h1: mtu is bad; nothing was changed'
    assert checks.summary('h1', problems) == ('2 problems, nothing was changed: interface "a" on h1: mtu is bad; '
                                              'parent_interfaces on h1: runtime is bad')


def test_a_link_larger_than_its_parent_is_refused_also_through_a_planned_parent():
    items = checks.normalise([
        shim(name='big', mtu=9000),
        {'type': 'vlan', 'parent': 'eth0', 'vlan_id': 7, 'mtu': 1400},
        {'name': 'onvlan', 'type': 'shim', 'parent': 'eth0.7', 'address': '10.0.0.5/32', 'mtu': 1450},
        {'name': 'inherits', 'type': 'shim', 'parent': 'eth0.7', 'address': '10.0.0.6/32', 'mtu': 1400},
        shim(name='small', mtu=1400),
    ], DEFAULTS)
    assert checks.mtu_problems(items, host()) == [
        ('big', 'mtu', '9000 is above the MTU of its parent "eth0" (1500); the kernel refuses a larger one'),
        ('onvlan', 'mtu', '1450 is above the MTU of its parent "eth0.7" (1400); the kernel refuses a larger one'),
    ]


def test_a_route_the_host_already_has_elsewhere_is_refused():
    routes = ROUTES + [{'dst': '10.0.0.0/24', 'dev': 'eth1', 'metric': 100},
                       {'dst': 'fd00::/64', 'dev': 'eth0', 'protocol': 'kernel', 'metric': 256},
                       {'dst': 'fd00:1::/64', 'dev': 'eth0', 'metric': 1024}]
    table = _host_reads.route_table_from_json(routes)
    # The kernel route of eth0's address counts; routes with another metric, or IPv6 kernel routes (256), do not.
    assert table['10.0.0.0/24'] == ['eth0']
    assert 'fd00::/64' not in table and table['fd00:1::/64'] == ['eth0']
    items = [shim(routes=['10.0.0.64/28', '10.0.0.0/24']), shim(name='v6', address='fd00:1::9/128', routes=['fd00:1::/64', 'fd00::/64'])]
    assert checks.route_problems(items, host(), table) == [
        ('shim0', 'routes', '10.0.0.0/24 already exists on the host through interface eth0 (ip route add would fail with "File exists")'),
        ('v6', 'routes', 'fd00:1::/64 already exists on the host through interface eth0 (ip route add would fail with "File exists")'),
    ]
    # A route through a shim this run removes is free again.
    leaving = checks.normalise([{'name': 'eth0', 'type': 'shim', 'state': 'absent'}], DEFAULTS)
    assert checks.route_problems(items[:1] + leaving, host(), table) == []


def test_two_shims_routing_one_destination_are_refused_in_config():
    items = [shim(name='a', routes=['10.0.0.64/28']), shim(name='b', routes=['10.0.0.64/28', '10.0.0.80/28'])]
    assert ('b', 'routes', '10.0.0.64/28 is also routed through "a" in config; a destination has one route') in \
        checks.static_problems(items, runtime=True)


class FakeModule:
    """params, check mode and run_command for the planning and apply paths; records every command."""

    def __init__(self, check_mode=False, answers=None, **params):
        self.params = dict(state='present', persist='none', runtime=True, config=[])
        self.params.update(params)
        self.check_mode = check_mode
        self.answers = answers or {}
        self.commands = []

    def get_bin_path(self, name, required=False):
        return '/usr/bin/' + name

    def run_command(self, command):
        self.commands.append(command)
        text = ' '.join(command)
        return next((answer for ending, answer in self.answers.items() if text.endswith(ending)), (0, '', ''))


def test_the_plan_collects_every_problem_before_any_command_runs():
    module = FakeModule()
    items = [shim(name='ok', address='10.0.0.61/32', routes=[]), shim(name='big', mtu=9000, routes=['10.0.0.0/24']),
             checks.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 9}], DEFAULTS)[0]]
    module.answers = {'type vlan id 1': (2, '', 'Error: Unknown device type.\n')}
    table = _host_reads.route_table_from_json(ROUTES)
    with pytest.raises(checks.InterfaceFailure) as failure:
        _parent_interfaces.plan(module, items, host(), table, {}, {}, [])
    errors = failure.value.result()['errors']
    assert len(errors) == 3
    assert errors[0].startswith('interface "big" on ') and 'mtu 9000 is above the MTU of its parent "eth0" (1500)' in errors[0]
    assert 'routes 10.0.0.0/24 already exists on the host through interface eth0' in errors[1]
    assert 'interface "eth0.9"' in errors[2] and 'type vlan needs 802.1q VLAN links' in errors[2]
    # Only the throwaway-namespace probes ran (macvlan for the shims, vlan), once per kind: nothing on the host.
    assert [command[:2] for command in module.commands] == [['/usr/bin/unshare', '--net']] * 2


def test_apply_runs_the_plan_and_reports_how_far_it_got_when_a_command_fails():
    module = FakeModule(answers={'dev b': (2, '', 'RTNETLINK answers: File exists')})
    items = [shim(name='a', address='10.0.0.61/32', routes=[]), shim(name='b', address='10.0.0.60/32', routes=['10.0.0.96/28'])]
    plans = _parent_interfaces.plan(module, items, host(), {}, {}, {}, [])
    with pytest.raises(checks.InterfaceFailure) as failure:
        _parent_interfaces.apply(module, plans)
    result = failure.value.result()
    assert result['changed'] is True
    assert [action['name'] for action in result['actions']] == ['a', 'b']
    assert result['msg'].startswith('interface "b" on ') and 'File exists' in result['msg']
    check = FakeModule(check_mode=True)
    assert [action['action'] for action in _parent_interfaces.apply(check, plans)] == ['created', 'created']
    assert check.commands == []


def test_link_kind_probe_runs_in_a_throwaway_namespace_and_counts_only_an_unknown_kind():
    module = FakeModule(answers={'type vlan id 1': (2, '', 'Error: Unknown device type.\n')})
    assert _host_reads.link_kind_problem(module, 'vlan') == 'Error: Unknown device type.'
    assert module.commands[0][:2] == ['/usr/bin/unshare', '--net']
    other = FakeModule(answers={'type macvlan': (2, '', 'Error: Operation not supported\n')})
    assert _host_reads.link_kind_problem(other, 'macvlan') is None


def test_problems_of_the_config_and_of_the_host_come_together():
    items = checks.normalise([{'name': 'bad', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.1'},
                              {'type': 'shim', 'parent': 'eth0'},
                              {'name': 'big', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.5/32', 'mtu': 9000}], DEFAULTS)
    static = checks.static_problems(items, runtime=True)
    with pytest.raises(checks.InterfaceFailure) as failure:
        _parent_interfaces.plan(FakeModule(), items, host(), {}, {}, {}, static)
    errors = failure.value.result()['errors']
    host_name = socket.gethostname()
    assert [error.split(':')[0] for error in errors] == ['interface "%s" on %s' % (name, host_name) for name in ('bad', '?', 'big')]


def host_answers():
    """ip -j answers of the host above (the more specific ending first)."""
    return {'-6 route show': (0, '[]', ''), 'route show': (0, json.dumps(ROUTES), ''),
            '-d link show': (0, json.dumps(LINKS), ''), 'addr show': (0, json.dumps(ADDRS), '')}


def run_module(monkeypatch, tmp_path, check_mode=False, **params):
    monkeypatch.setattr(_networkd, 'NETWORKD_DIRS', (str(tmp_path),))
    monkeypatch.setattr(_networkd, 'ETC', str(tmp_path))
    module = FakeModule(check_mode=check_mode, answers=host_answers(), **params)
    module._diff = True
    return module, _parent_interfaces.run(module)


def test_run_reads_the_host_and_changes_nothing_for_a_shim_as_it_is(monkeypatch, tmp_path):
    config = [dict(name='shim0', type='shim', parent='eth0', address='10.0.0.62/32', routes=['10.0.0.64/28', '10.9.9.9/32'])]
    module, result = run_module(monkeypatch, tmp_path, config=config)
    assert not result['changed'] and result['actions'][0]['action'] == 'unchanged'
    assert result['before'] == result['after'] and result['after'][0]['address'] == '10.0.0.62/32'
    assert result['diff'][0]['before_header'] == 'interfaces'
    assert not [command for command in module.commands if command[2:4] in (['link', 'add'], ['addr', 'add'])]


def test_run_in_check_mode_shows_the_new_shim_as_it_will_be(monkeypatch, tmp_path):
    config = [dict(name='shim1', type='shim', parent='eth0', address='10.0.0.63/32', routes=[])]
    module, result = run_module(monkeypatch, tmp_path, check_mode=True, config=config)
    assert result['changed'] and result['actions'][0]['action'] == 'created'
    assert result['before'][0]['state'] == 'absent'
    assert result['after'][0] == dict(name='shim1', type='shim', state='present', parent='eth0', mtu=1500,
                                      address='10.0.0.63/32', routes=[])
    assert not [command for command in module.commands if 'add' in command and 'unshare' not in command[0]]


def test_run_applies_the_commands_then_reads_the_host_again(monkeypatch, tmp_path):
    config = [dict(name='shim0', type='shim', parent='eth0', address='10.0.0.62/32', routes=['10.0.0.64/28', '10.9.9.9/32'],
                   mtu=1400)]
    module, result = run_module(monkeypatch, tmp_path, config=config)
    assert result['changed'] and result['actions'][0]['differences'] == ['mtu']
    assert ['ip', 'link', 'set', 'dev', 'shim0', 'mtu', '1400'] in module.commands
    # After: what the host shows on the second read (the answers do not change, so neither does the view).
    assert result['after'][0]['mtu'] == 1500


def test_a_host_read_failing_after_the_change_reports_the_change_and_its_actions(monkeypatch, tmp_path):
    config = [dict(name='shim0', type='shim', parent='eth0', address='10.0.0.62/32', routes=['10.0.0.64/28', '10.9.9.9/32'],
                   mtu=1400)]
    monkeypatch.setattr(_networkd, 'NETWORKD_DIRS', (str(tmp_path),))
    monkeypatch.setattr(_networkd, 'ETC', str(tmp_path))
    module = FakeModule(answers=host_answers(), config=config)
    module._diff = False
    reads = []
    real = _parent_interfaces.read_links

    def read_links_once(module):
        reads.append(1)
        if len(reads) > 1:  # the read after the change
            raise ModuleFailure('reading host interfaces with "ip -j -d link show" on h1 failed: Cannot send dump request')
        return real(module)
    monkeypatch.setattr(_parent_interfaces, 'read_links', read_links_once)
    with pytest.raises(ModuleFailure) as failure:
        _parent_interfaces.run(module)
    result = failure.value.result()
    assert result['changed'] is True
    assert result['msg'].endswith('failed: Cannot send dump request (after interface "shim0" was updated)')
    assert [(action['name'], action['differences']) for action in result['actions']] == [('shim0', ['mtu'])]
