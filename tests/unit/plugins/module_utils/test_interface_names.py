# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A journal recovery on Docker 28+ gives a container's interface name back when the name is taken.

The case seen on the fleet (network_faults on 28.5): f1 had lan as eth0 and side as eth1; the daemon
died after f1 was disconnected from lan; restarted, f1 came back with side as eth0. Asking for eth0
on lan then fails ("error renaming interface ... file exists"), and a fixed name makes later starts
of the container fail at random (Docker 28.5 adds interfaces in no fixed order): no name is asked
for, the holder is moved out of the way, and Docker's lowest free name gives eth0 back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import DYNAMIC_MARK, INTERFACE_OPTION
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.interfaces import holder_of, subnets_of
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.recreate import Recreate
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal, new_entry
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, attachment, container, docker_network
from ansible_collections.fleetnet.docker.tests.unit.plugins.module_utils.test_recreate import SPEC

LAN_MAC = '02:42:0a:01:00:05'
SIDE_MAC = '02:42:0a:02:00:07'


class NamingDocker(FakeDocker):
    """The fake daemon, keeping each connect's driver options and the interface names in f1 (Docker 28:
    a fixed name must be free, else the lowest free ethN)."""

    def __init__(self, *args, **kwargs):
        super(NamingDocker, self).__init__(*args, **kwargs)
        self.names = {}  # {MAC: interface name} inside f1
        self.sent_options = []

    def connect_container(self, reference, ident, network_name, **arguments):
        super(NamingDocker, self).connect_container(reference, ident, network_name, **arguments)
        options = dict(arguments.get('driver_opts') or {})
        self.sent_options.append((network_name, options))
        wanted = options.get(INTERFACE_OPTION)
        if wanted in self.names.values():
            raise AssertionError('Docker would refuse: %s is taken' % wanted)
        taken = set(self.names.values())
        mac = arguments.get('mac_address') or self.container('f1')['NetworkSettings']['Networks'][network_name]['MacAddress']
        self.names[mac] = wanted or ['eth%d' % number for number in range(9) if 'eth%d' % number not in taken][0]

    def disconnect_container(self, reference, ident, network_name, force=True, container_name=None):
        mac = self.container('f1')['NetworkSettings']['Networks'].get(network_name, {}).get('MacAddress')
        super(NamingDocker, self).disconnect_container(reference, ident, network_name, force, container_name)
        self.names.pop(mac, None)


def restarted_without_lan(tmp_path, interface='eth0'):
    """f1 as the daemon restarted it: side is eth0 now, lan (journalled with ``interface``) is missing."""
    lan = docker_network('lan', ['10.1.0.0/24'], gateway='10.1.0.1')
    side = docker_network('side', ['10.2.0.0/24'], gateway='10.2.0.1')
    f1 = container('f1', {'side': attachment(side, '10.2.0.7', ['f1b'], static=False, mac=SIDE_MAC)})
    f1['State']['Pid'] = 4242
    daemon = NamingDocker(networks=[lan, side], containers=[f1], api_version='1.51')
    daemon.names = {SIDE_MAC: 'eth0'}
    journal = Journal('k', root=str(tmp_path))
    endpoint = dict(name='f1', id=f1['Id'], running=True, aliases=['web'], ipv4_address='10.1.0.5', ipv6_address=None,
                    current_ipv4='10.1.0.5', current_ipv6=None, links=[], mac_address=LAN_MAC, driver_opts={},
                    interface=interface)
    config = dict(name='lan', subnets=[dict(subnet='10.1.0.0/24', gateway='10.1.0.1')])
    entry = new_entry('lan', 'bridge', lan['Id'], config, dict(config, enable_icc=False), [endpoint])
    journal.write(entry)
    recreate = Recreate(daemon, SPEC, journal, read_interfaces=lambda pid: dict(daemon.names) if pid == 4242 else {})
    return daemon, journal, recreate, journal.entries('bridge')[0]


def test_a_free_name_is_asked_for_and_a_taken_one_names_its_network():
    f1 = container('f1', {'side': dict(MacAddress=SIDE_MAC.upper()), 'lan': dict(MacAddress=LAN_MAC)})
    assert holder_of('eth0', f1, 'lan', {}) == (True, None)
    assert holder_of(None, f1, 'lan', {SIDE_MAC: 'eth0'}) == (True, None)
    assert holder_of('eth1', f1, 'lan', {SIDE_MAC: 'eth0'}) == (True, None)
    assert holder_of('eth0', f1, 'lan', {SIDE_MAC: 'eth0'}) == (True, 'side')
    # An interface made inside the container (not by a Docker network): its name cannot be freed.
    assert holder_of('eth0', f1, 'lan', {'02:00:00:00:00:01': 'eth0'}) == (False, None)
    # Nor one the user named on connect.
    f1['NetworkSettings']['Networks']['side']['DriverOpts'] = {INTERFACE_OPTION: 'eth0'}
    assert holder_of('eth0', f1, 'lan', {SIDE_MAC: 'eth0'}) == (False, None)


def test_subnets_are_read_from_the_network_inspect():
    network = docker_network('side', ['10.2.0.0/24'], gateway='10.2.0.1')
    assert subnets_of(network) == [dict(subnet='10.2.0.0/24', gateway='10.2.0.1', aux_addresses={})]
    assert subnets_of(None) == []


def test_the_network_holding_the_name_moves_out_of_the_way_and_comes_back_after(tmp_path):
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path)
    report = recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert 'rolled back' in report['reason']
    moves = [(call[0], call[2]) for call in daemon.calls if call[0] in ('connect_container', 'disconnect_container')]
    assert moves == [('disconnect_container', 'side'), ('connect_container', 'lan'), ('connect_container', 'side')]
    # Interface order as before the recreate: lan eth0, side eth1.
    assert daemon.names == {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'}
    sent = dict(daemon.sent_options)
    assert INTERFACE_OPTION not in sent['lan'] and INTERFACE_OPTION not in sent['side']
    # side keeps its dynamic address (pinned, marked dynamic), aliases and MAC.
    assert sent['side'][DYNAMIC_MARK] == 'ipv4'
    side = daemon.container('f1')['NetworkSettings']['Networks']['side']
    assert side['IPAddress'] == '10.2.0.7' and 'f1b' in side['Aliases'] and side['MacAddress'] == SIDE_MAC
    assert journal.entries('bridge') == []


def test_a_run_cut_off_while_the_holder_was_out_of_the_way_reconnects_it(tmp_path):
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path)
    daemon.fail('connect_container', 'connection reset by peer', times=2)
    with pytest.raises(ModuleFailure) as failure:
        recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert 'could not be rolled back' in str(failure.value)
    # Neither connect reached the daemon: side is out, and the journal says so.
    [left] = journal.entries('bridge')
    assert [moved['network'] for moved in left['displaced']] == ['side']
    assert 'side' not in daemon.container('f1')['NetworkSettings']['Networks']
    recreate.recover(left, daemon.list_networks(), check_mode=False)
    assert sorted(daemon.container('f1')['NetworkSettings']['Networks']) == ['lan', 'side']
    assert daemon.names == {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'}
    assert journal.entries('bridge') == []


def test_a_container_the_daemon_has_not_restarted_yet_is_started_first_then_reattached(tmp_path):
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path)
    daemon.container('f1')['State']['Running'] = False
    daemon.names = {}
    original_start = daemon.start_container

    def start(ident, container_name=None):
        original_start(ident, container_name)
        daemon.names = {SIDE_MAC: 'eth0'}  # it comes up with side only, as eth0
    daemon.start_container = start
    report = recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert report['containers']['started'] == ['f1']
    assert daemon.call_names().index('start_container') < daemon.call_names().index('connect_container')
    assert daemon.names == {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'}


def recover_attached(tmp_path, names, interface='eth0'):
    """Cut off mid-reconnect: f1 was already on the new lan when the daemon restarted it, as ``names``."""
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path, interface)
    lan = daemon.network('lan')
    daemon.container('f1')['NetworkSettings']['Networks']['lan'] = attachment(lan, '10.1.0.5', ['web'], mac=LAN_MAC)
    daemon.names = names
    recreate.recover(entry, daemon.list_networks(), check_mode=False)
    return daemon, journal


def test_an_attached_interface_the_daemon_restart_renamed_gets_its_name_back(tmp_path):
    daemon, journal = recover_attached(tmp_path, {SIDE_MAC: 'eth0', LAN_MAC: 'eth1'})
    moves = [(call[0], call[2]) for call in daemon.calls if call[0] in ('connect_container', 'disconnect_container')]
    assert moves == [('disconnect_container', 'side'), ('disconnect_container', 'lan'), ('connect_container', 'lan'),
                     ('connect_container', 'side')]
    assert daemon.names == {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'}
    assert journal.entries('bridge') == []


def test_a_swapped_pair_the_daemon_restart_made_is_swapped_back(tmp_path):
    # Seen on 28.5 (network_faults, "mid reconnect"): lan was eth1 and side eth0; Docker 28.5 started f1
    # the other way round. The lower name must go to side first, or lan would take it again.
    daemon, journal = recover_attached(tmp_path, {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'}, interface='eth1')
    moves = [(call[0], call[2]) for call in daemon.calls if call[0] in ('connect_container', 'disconnect_container')]
    assert moves == [('disconnect_container', 'side'), ('disconnect_container', 'lan'), ('connect_container', 'side'),
                     ('connect_container', 'lan')]
    assert daemon.names == {SIDE_MAC: 'eth0', LAN_MAC: 'eth1'}
    assert journal.entries('bridge') == []


def test_an_attached_interface_with_its_name_is_left_alone(tmp_path):
    daemon, journal = recover_attached(tmp_path, {LAN_MAC: 'eth0', SIDE_MAC: 'eth1'})
    assert 'disconnect_container' not in daemon.call_names() and 'connect_container' not in daemon.call_names()
    assert journal.entries('bridge') == []


def test_a_name_the_user_fixed_on_another_network_stays_and_the_rename_is_reported(tmp_path):
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path)
    daemon.container('f1')['NetworkSettings']['Networks']['side']['DriverOpts'] = {INTERFACE_OPTION: 'eth0'}
    warnings = []
    recreate.warn = warnings.append
    recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert 'disconnect_container' not in daemon.call_names()
    assert daemon.names == {SIDE_MAC: 'eth0', LAN_MAC: 'eth1'}
    assert warnings == ['container "f1" on network "lan" on h1: interface eth0 is now eth1; Docker gave it the lowest '
                        'free name']
    assert journal.entries('bridge') == []


def test_before_docker_28_nothing_moves(tmp_path):
    daemon, journal, recreate, entry = restarted_without_lan(tmp_path)
    daemon.api_version = '1.45'
    recreate.recover(entry, daemon.list_networks(), check_mode=False)
    assert 'disconnect_container' not in daemon.call_names()
    assert all(INTERFACE_OPTION not in options for _name, options in daemon.sent_options)
    assert journal.entries('bridge') == []
