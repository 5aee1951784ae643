# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of parent_interfaces: parsing ``ip -j`` output, validation, planning, networkd files.

The inputs are shaped like real iproute2 6.1 JSON output captured on a sandbox host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _links

LINKS = [
    {'ifname': 'lo', 'flags': ['LOOPBACK', 'UP', 'LOWER_UP'], 'mtu': 65536},
    {'ifname': 'eth0', 'flags': ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'mtu': 1500, 'link_index': 36,
     'linkinfo': {'info_kind': 'veth'}},
    {'ifname': 'shim0', 'link': 'eth0', 'flags': ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], 'mtu': 1500,
     'linkinfo': {'info_kind': 'macvlan', 'info_data': {'mode': 'bridge'}}, 'ifalias': _links.MARK},
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
    return _links.links_from_json(LINKS, ADDRS, ROUTES)


def shim(**extra):
    item = dict(name='shim0', type='shim', parent='eth0', address='10.0.0.62/32', routes=['10.0.0.64/28'])
    item.update(extra)
    return _links.normalise([item], DEFAULTS)[0]


def test_parsing_keeps_configured_addresses_and_routes_only():
    links = host()
    assert links['eth0']['addresses'] == ['10.0.0.11/24']
    assert links['eth0']['routes'] == []
    assert links['shim0']['parent'] == 'eth0'
    assert links['shim0']['mode'] == 'bridge'
    assert links['shim0']['routes'] == ['10.0.0.64/28', '10.9.9.9/32']
    assert links['eth0']['parent'] is None  # a veth peer in another namespace has no name here


def test_vlan_name_defaults_to_parent_dot_id_and_item_defaults_come_from_module():
    item = _links.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 20}], {'state': 'absent', 'persist': 'networkd'})[0]
    assert (item['name'], item['state'], item['persist'], item['take_over']) == ('eth0.20', 'absent', 'networkd', False)


def test_static_problems_name_field_and_reason():
    items = _links.normalise([
        {'type': 'vlan', 'parent': 'eth0', 'vlan_id': 0},
        {'name': 's1', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.1'},
        {'name': 's2', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.1/32', 'routes': ['10.0.0.65/28']},
        {'name': 'eth0', 'type': 'promiscuous', 'address': '10.0.0.1/32'},
        {'name': 's2', 'type': 'shim', 'parent': 'eth0', 'address': '10.0.0.2/32'},
    ], DEFAULTS)
    problems = _links.static_problems(items, runtime=True)
    assert ('eth0.0', 'vlan_id', '0 is out of range 1-4094') in problems
    assert ('s1', 'address', '"10.0.0.1" is not a valid CIDR (address/prefix length)') in problems
    assert ('s2', 'routes', '"10.0.0.65/28" has host bits set; write the network address') in problems
    assert ('eth0', 'address', 'does not apply to type promiscuous') in problems
    assert ('s2', 'name', 'is listed 2 times in config') in problems
    assert len(problems) == 5


def test_absent_items_need_only_a_name():
    items = _links.normalise([{'name': 'x', 'type': 'shim'}, {'name': 'y.5', 'type': 'vlan'}], {'state': 'absent', 'persist': 'none'})
    assert _links.static_problems(items, runtime=True) == []


def test_runtime_false_needs_networkd():
    items = _links.normalise([{'name': 'x', 'type': 'shim'}], {'state': 'absent', 'persist': 'none'})
    assert _links.static_problems(items, runtime=False)[0][:2] == ('*', 'runtime')


def test_matching_shim_is_unchanged():
    links = host()
    assert _links.runtime_plan(shim(routes=['10.0.0.64/28', '10.9.9.9/32']), links['shim0'], {}) == ('unchanged', [], [])


def test_changed_shim_adds_the_new_address_before_removing_the_old_one():
    links = host()
    action, differences, commands = _links.runtime_plan(shim(address='10.0.0.63/32'), links['shim0'], {})
    assert action == 'updated'
    assert differences == ['address', 'routes']
    assert commands == [
        ['ip', 'addr', 'add', '10.0.0.63/32', 'dev', 'shim0'],
        ['ip', 'addr', 'del', '10.0.0.62/32', 'dev', 'shim0'],
        ['ip', 'route', 'del', '10.9.9.9/32', 'dev', 'shim0'],
    ]


def test_new_shim_is_created_marked_and_brought_up_before_addresses():
    action, differences, commands = _links.runtime_plan(shim(mtu=1400), None, {})
    assert (action, differences) == ('created', ['state'])
    assert [command[:4] for command in commands] == [
        ['ip', 'link', 'add', 'link'], ['ip', 'link', 'set', 'dev'], ['ip', 'link', 'set', 'dev'],
        ['ip', 'addr', 'add', '10.0.0.62/32'], ['ip', 'route', 'add', '10.0.0.64/28']]
    assert commands[0] == ['ip', 'link', 'add', 'link', 'eth0', 'name', 'shim0', 'mtu', '1400', 'type', 'macvlan', 'mode', 'bridge']
    assert commands[1][-1] == _links.MARK


def test_moving_a_shim_to_another_parent_recreates_it():
    action, differences, commands = _links.runtime_plan(shim(parent='eth1'), host()['shim0'], {})
    assert (action, differences) == ('recreated', ['parent'])
    assert commands[0] == ['ip', 'link', 'del', 'dev', 'shim0']
    assert ['ip', 'addr', 'add', '10.0.0.62/32', 'dev', 'shim0'] in commands


def test_promiscuous_on_and_off():
    links = host()
    item = _links.normalise([{'name': 'eth0', 'type': 'promiscuous'}], DEFAULTS)[0]
    assert _links.runtime_plan(item, links['eth0'], {})[2] == [['ip', 'link', 'set', 'dev', 'eth0', 'promisc', 'on']]
    links['eth0']['promiscuous'] = True
    assert _links.runtime_plan(item, links['eth0'], {})[0] == 'unchanged'
    item['state'] = 'absent'
    assert _links.runtime_plan(item, links['eth0'], {})[2] == [['ip', 'link', 'set', 'dev', 'eth0', 'promisc', 'off']]


def test_foreign_links_are_refused_without_take_over_and_parents_must_exist():
    links = host()
    links['shim0']['alias'] = None
    items = [shim(), _links.normalise([{'name': 'other', 'type': 'shim', 'parent': 'eth9', 'address': '10.0.0.1/32'}], DEFAULTS)[0]]
    problems = _links.ownership_problems(items, links, {}, runtime=True)
    assert problems[0][:2] == ('shim0', 'take_over')
    assert problems[1] == ('other', 'parent', '"eth9" does not exist; interfaces on the host: eth0, lo, shim0')
    # Our networkd file marks it ours too: after a reboot networkd made it and the alias is gone.
    assert _links.ownership_problems([shim()], links, {'10-fleetnet-shim0.netdev': ''}, runtime=True) == []
    assert _links.ownership_problems([shim(take_over=True)], links, {}, runtime=True) == []


def test_take_over_refuses_a_link_of_another_kind():
    problems = _links.ownership_problems([shim(name='eth0', take_over=True)], host(), {}, runtime=True)
    assert problems == [('eth0', 'take_over', 'the existing link is a veth link, not macvlan; it cannot be adopted as a shim')]


def test_shim_on_a_vlan_of_the_same_config_is_not_an_orphan():
    items = _links.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 20},
                              {'name': 's', 'type': 'shim', 'parent': 'eth0.20', 'address': '10.0.0.1/32'}], DEFAULTS)
    assert _links.ownership_problems(items, host(), {}, runtime=True) == []


def test_network_file_discovery_follows_match_name_globs_in_name_order():
    files = {'99-all.network': '[Match]\nName=*\n', '20-lan.network': '[Match]\nName=en* eth0\n', '10-wifi.network': '[Match]\nName=wl*\n'}
    assert _links.find_network_file('eth0', files) == '20-lan.network'
    assert _links.find_network_file('wlan0', files) == '10-wifi.network'
    assert _links.find_network_file('eth0', {'x.network': '[Match]\nMACAddress=aa:bb\n'}) is None


def test_vlan_files():
    item = _links.normalise([{'type': 'vlan', 'parent': 'eth0', 'vlan_id': 30, 'mtu': 1400}], DEFAULTS)[0]
    files = _links.render_files(item, '20-lan.network')
    assert sorted(files) == ['10-fleetnet-eth0.30.netdev', '10-fleetnet-eth0.30.network', '20-lan.network.d/fleetnet-link-eth0.30.conf']
    assert files['10-fleetnet-eth0.30.netdev'].startswith(_links.HEADER)
    assert '[NetDev]\nName=eth0.30\nKind=vlan\nMTUBytes=1400\n\n[VLAN]\nId=30\n' in files['10-fleetnet-eth0.30.netdev']
    assert '[Network]\nVLAN=eth0.30\n' in files['20-lan.network.d/fleetnet-link-eth0.30.conf']
    assert all(_links.owned_by(item, path) for path in files)


def test_shim_and_promiscuous_files():
    files = _links.render_files(shim(routes=['10.0.0.64/28', '10.0.0.80/28']), '20-lan.network')
    network = files['10-fleetnet-shim0.network']
    assert 'Address=10.0.0.62/32' in network
    assert network.count('[Route]\nDestination=') == 2
    assert '[MACVLAN]\nMode=bridge\n' in files['10-fleetnet-shim0.netdev']
    promiscuous = _links.normalise([{'name': 'eth0', 'type': 'promiscuous'}], DEFAULTS)[0]
    assert _links.render_files(promiscuous, '20-lan.network') == {
        '20-lan.network.d/fleetnet-promiscuous-eth0.conf': _links.HEADER + '\n[Link]\nPromiscuous=yes\n'}
    assert not _links.owned_by(promiscuous, '20-lan.network.d/fleetnet-link-eth0.conf')


def test_views_in_config_format():
    links = host()
    expected = {'name': 'shim0', 'type': 'shim', 'state': 'present', 'parent': 'eth0',
                'mtu': 1500, 'address': '10.0.0.62/32', 'routes': ['10.0.0.64/28', '10.9.9.9/32']}
    assert _links.view(shim(), links['shim0']) == expected
    new = shim(name='shim1')
    assert _links.desired_view(new, _links.view(new, None), links)['mtu'] == 1500  # inherited from the parent
    assert _links.view(new, None) == {'name': 'shim1', 'type': 'shim', 'state': 'absent'}


def test_error_summary():
    problems = [('a', 'mtu', 'is bad'), ('*', 'runtime', 'is bad')]
    assert _links.summary('h1', problems[:1]) == 'interface "a" on h1: mtu is bad; nothing was changed'
    assert _links.summary('h1', problems) == ('2 problems, nothing was changed: interface "a" on h1: mtu is bad; '
                                              'parent_interfaces on h1: runtime is bad')
