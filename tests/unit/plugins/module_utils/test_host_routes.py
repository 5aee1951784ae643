# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""host_routes' plan on ip -j output captured from a sandbox host: ownership by protocol, problems, networkd."""

from ansible_collections.fleetnet.docker.plugins.module_utils import _host_routes as routes

ADDRESSES = [{'ifname': 'lo', 'addr_info': [{'local': '127.0.0.1', 'prefixlen': 8}]},
             {'ifname': 'eth0', 'addr_info': [{'local': '10.231.5.11', 'prefixlen': 24}]},
             {'ifname': 'docker0', 'addr_info': [{'local': '172.17.0.1', 'prefixlen': 16}]}]
ROUTES = [{'dst': '10.99.0.0/24', 'gateway': '10.231.5.12', 'dev': 'eth0', 'protocol': '203', 'flags': []},
          {'dst': '10.98.0.0/24', 'gateway': '10.231.5.13', 'dev': 'eth0', 'protocol': '203', 'flags': []},
          {'dst': '10.231.5.0/24', 'dev': 'eth0', 'protocol': 'kernel', 'scope': 'link', 'prefsrc': '10.231.5.11'},
          {'dst': '172.17.0.0/16', 'dev': 'docker0', 'protocol': 'kernel', 'scope': 'link'},
          {'dst': 'default', 'gateway': '10.231.5.1', 'dev': 'eth0'}]


def items(config, state='merged'):
    problems = []
    parsed = routes.parse_items(config, state, problems)
    return parsed, problems


def test_merged_adds_changes_and_keeps_others():
    parsed, problems = items([dict(destination='10.99.0.0/24', via='10.231.5.14'), dict(destination='10.97.0.0/24', via='10.231.5.12')])
    actions, commands = routes.plan(parsed, 'merged', 203, routes.table(ROUTES))
    assert problems == []
    assert actions == [dict(destination='10.97.0.0/24', via='10.231.5.12', action='created'),
                       dict(destination='10.99.0.0/24', via='10.231.5.14', action='updated')]
    assert commands[0] == ['ip', 'route', 'replace', '10.97.0.0/24', 'via', '10.231.5.12', 'proto', '203']
    assert routes.after(routes.table(ROUTES), actions, 203) == [
        dict(destination='10.97.0.0/24', via='10.231.5.12'), dict(destination='10.98.0.0/24', via='10.231.5.13'),
        dict(destination='10.99.0.0/24', via='10.231.5.14')]


def test_overridden_removes_only_our_unlisted_routes_and_an_unchanged_route_is_no_action():
    parsed, _problems = items([dict(destination='10.99.0.0/24', via='10.231.5.12')])
    actions, commands = routes.plan(parsed, 'overridden', 203, routes.table(ROUTES))
    assert actions == [dict(destination='10.98.0.0/24', via='10.231.5.13', action='deleted')]
    assert commands == [['ip', 'route', 'del', '10.98.0.0/24', 'proto', '203']]
    # Another protocol number owns nothing here: overridden under it removes none of these routes.
    assert routes.plan(parsed, 'overridden', 204, routes.table(ROUTES))[1] == [
        ['ip', 'route', 'replace', '10.99.0.0/24', 'via', '10.231.5.12', 'proto', '204']]


def test_deleted_needs_no_gateway_and_leaves_a_missing_route_alone():
    parsed, problems = items([dict(destination='10.98.0.0/24'), dict(destination='10.90.0.0/24')], 'deleted')
    assert problems == []
    assert routes.plan(parsed, 'deleted', 203, routes.table(ROUTES))[0] == [dict(destination='10.98.0.0/24', via='10.231.5.13', action='deleted')]


def test_problems_name_the_route_field_and_reason():
    parsed, problems = items([dict(destination='10.96.0.1/24', via='10.231.5.12'), dict(destination='10.95.0.0/24', via='fd00::1'),
                              dict(destination='10.231.5.0/24', via='10.231.5.12'), dict(destination='10.94.0.0/24', via='10.231.5.11'),
                              dict(destination='10.93.0.0/24', via='192.168.7.1'), dict(destination='10.93.0.0/24', via='10.231.5.12')])
    routes.host_problems(parsed, routes.table(ROUTES), routes.connected(ADDRESSES), 203, problems)
    reasons = dict(((destination, field), reason) for destination, field, reason in problems)
    assert 'has host bits set' in reasons[('10.96.0.1/24', 'destination')]
    assert reasons[('10.95.0.0/24', 'via')] == "fd00::1 is not of the destination's IP version"
    assert reasons[('10.93.0.0/24', 'destination')] == 'is listed twice'
    assert reasons[('10.94.0.0/24', 'via')] == '10.231.5.11 is an address of this host'
    unreachable = "192.168.7.1 is on none of the host's own subnets (10.231.5.0/24, 172.17.0.0/16), so the kernel cannot reach it directly"
    assert reasons[('10.93.0.0/24', 'via')] == unreachable
    assert ('10.231.5.0/24', 'destination', 'the host already has a route to it that fleetnet.docker did not make '
            '(via -, dev eth0, protocol kernel)') in problems
    assert ('10.231.5.0/24', 'destination', "overlaps the host's own subnet 10.231.5.0/24 of interface eth0") in problems


def test_host_prefixes_leave_out_our_routes():
    prefixes = routes.host_prefixes(routes.table(ROUTES), routes.connected(ADDRESSES), 203)
    assert dict(interface='eth0', prefix='10.231.5.0/24', kind='address') in prefixes
    assert not [prefix for prefix in prefixes if prefix['prefix'].startswith(('10.99.', '10.98.', '127.'))]
    # The kernel's route of a connected subnet is not listed again beside the address.
    assert dict(interface='eth0', prefix='10.231.5.0/24', kind='route') not in prefixes


def test_networkd_drop_in_per_outgoing_interface_and_removed_when_no_route_is_left():
    network_files = {'10-eth0.network': '[Match]\nName=eth0\n'}
    final = [dict(destination='10.99.0.0/24', via='10.231.5.12')]
    problems = []
    changes = routes.networkd_files(final, routes.connected(ADDRESSES), 203, {}, network_files, problems)
    assert problems == []
    text = changes['10-eth0.network.d/fleetnet-routes.conf']
    assert '[Route]\nDestination=10.99.0.0/24\nGateway=10.231.5.12\nProtocol=203\n' in text
    own = {'10-eth0.network.d/fleetnet-routes.conf': text}
    assert routes.networkd_files(final, routes.connected(ADDRESSES), 203, own, network_files, problems) == {}
    assert routes.networkd_files([], routes.connected(ADDRESSES), 203, own, network_files, problems) == {
        '10-eth0.network.d/fleetnet-routes.conf': None}
    routes.networkd_files(final, routes.connected(ADDRESSES), 203, {}, {}, problems)
    assert problems[0][1] == 'persist' and 'for interface eth0' in problems[0][2]
