# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recreate sequence, its roll-back and the journal's recovery, against a fake daemon (pure logic)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _recreate
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal
from ansible_collections.fleetnet.docker.plugins.module_utils._recreate import Recreate, RecreateError

SUBNETS = [dict(subnet='10.1.0.0/24', gateway='10.1.0.1', ip_range=None, aux_addresses={})]


def endpoint(name, static=None, dynamic=None, running=True):
    return dict(name=name, id=name + '-id', running=running, aliases=[name + '-alias'], ipv4_address=static,
                ipv6_address=None, current_ipv4=dynamic or static, current_ipv6=None, links=[],
                mac_address=None, driver_opts={})


def test_a_dynamic_address_is_kept_and_marked_a_static_one_is_kept_as_it_is():
    old = lambda version: False  # noqa: E731 - an Engine API 1.41 daemon
    kept = _recreate.connect_arguments(endpoint('a', dynamic='10.1.0.7'), SUBNETS, old, keep_interface=True)
    assert kept['ipv4_address'] == '10.1.0.7'
    assert kept['driver_opt'] == {_recreate.DYNAMIC_MARK: 'ipv4'}
    static = _recreate.connect_arguments(endpoint('b', static='10.1.0.8'), SUBNETS, old, keep_interface=True)
    assert static['ipv4_address'] == '10.1.0.8' and static['driver_opt'] is None
    # Outside the new subnets, or on the new gateway: Docker picks a new one.
    moved = _recreate.connect_arguments(endpoint('c', dynamic='10.1.0.1'), SUBNETS, old, keep_interface=True)
    assert moved['ipv4_address'] is None and moved['driver_opt'] is None


def test_interface_names_are_asked_for_from_docker_28_on():
    new = lambda version: True  # noqa: E731
    attached = dict(endpoint('a', dynamic='10.1.0.7'), interface='eth0', mac_address='02:42:0a:01:00:07')
    arguments = _recreate.connect_arguments(attached, SUBNETS, new, keep_interface=True)
    assert arguments['driver_opt'][_recreate.INTERFACE_OPTION] == 'eth0'
    assert arguments['mac_address'] == '02:42:0a:01:00:07'


class FakeDaemon:
    """Networks and attachments in memory; ``refuse`` names calls Docker refuses (e.g. 'connect b-id')."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.networks = {'old': dict(Id='old', Name='web')}
        self.attached = {'old': set(['a-id', 'b-id'])}
        self.calls = []
        self.counter = 0

    def _maybe_refuse(self, call):
        self.calls.append(call)
        if call in self.refuse:
            raise RuntimeError('refused: %s' % call)

    def disconnect_container_from_network(self, container, network_id, force=False):
        self._maybe_refuse('disconnect %s' % container)
        self.attached[network_id].discard(container)

    def connect_container_to_network(self, container, network_id, **arguments):
        self._maybe_refuse('connect %s' % container)
        self.attached[network_id].add(container)

    def remove_network(self, network_id):
        self._maybe_refuse('remove %s' % network_id)
        del self.networks[network_id]

    def create(self, config):
        self._maybe_refuse('create %s' % config.get('generation'))
        self.counter += 1
        network_id = 'new%d' % self.counter
        self.networks[network_id] = dict(Id=network_id, Name=config['name'])
        self.attached[network_id] = set()
        return network_id

    def containers(self, all=False, filters=None):
        return [dict(Id=container) for container in self.attached.get(filters['network'][0], ())]

    def inspect_container(self, container):
        return dict(Id=container, State=dict(Running=True), NetworkSettings=dict(Networks={}))

    def start(self, container):
        self.calls.append('start %s' % container)


class Calls:
    def __init__(self, daemon):
        self.api = daemon
        self.warnings = []

    def api_at_least(self, version):
        return False

    def create(self, config):
        return self.api.create(config)

    def wait_until_removed(self, network):
        pass

    def warn(self, text):
        self.warnings.append(text)


def run(daemon, journal):
    recreate = Recreate(Calls(daemon), journal, 'h1', 'bridge')
    return recreate.run('web', dict(Id='old', Name='web'), dict(name='web', generation='old', subnets=SUBNETS),
                        dict(name='web', generation='new', subnets=SUBNETS), [endpoint('a'), endpoint('b')])


def test_a_recreate_reconnects_everything_and_leaves_no_journal(tmp_path):
    daemon = FakeDaemon()
    journal = Journal('k', root=str(tmp_path))
    new_id = run(daemon, journal)
    assert daemon.attached[new_id] == set(['a-id', 'b-id'])
    assert journal.entries('bridge') == []


def test_a_refused_reconnect_puts_the_old_network_back_with_every_container(tmp_path):
    daemon = FakeDaemon()
    journal = Journal('k', root=str(tmp_path))

    # Docker refuses b on the new network only; the restored network takes it back.
    def connect_once_refused(container, network_id, **arguments):
        if container == 'b-id' and network_id == 'new1':
            raise RuntimeError('Address already in use')
        daemon.attached[network_id].add(container)
    daemon.connect_container_to_network = connect_once_refused
    with pytest.raises(RecreateError) as raised:
        run(daemon, journal)
    assert raised.value.changed is True
    assert 'recreating it failed at connecting container "b" (Address already in use)' in raised.value.message
    assert 'put back as it was, with its containers a, b' in raised.value.message
    assert 'new1' not in daemon.networks
    assert daemon.attached['new2'] == set(['a-id', 'b-id'])
    assert journal.entries('bridge') == []


def test_a_journal_left_after_the_old_network_was_removed_is_finished(tmp_path):
    journal = Journal('k', root=str(tmp_path))
    daemon = FakeDaemon(refuse=['create new'])
    with pytest.raises(Exception):
        # Simulate the cut: the daemon "dies" when the new network is to be created and the roll-back
        # cannot run either.
        daemon.refuse.add('create old')
        run(daemon, journal)
    [entry] = journal.entries('bridge')
    assert entry['old']['id'] == 'old' and entry['new_id'] is None
    daemon.refuse = set()
    recreate = Recreate(Calls(daemon), journal, 'h1', 'bridge')
    report = recreate.recover(entry, list(daemon.networks.values()), check_mode=False)
    assert report['action'] == 'recovered' and 'finished' in report['reason']
    [new_id] = [network_id for network_id in daemon.networks if network_id.startswith('new')]
    assert daemon.attached[new_id] == set(['a-id', 'b-id'])
    assert journal.entries('bridge') == []


def test_a_journal_whose_old_network_still_exists_is_rolled_back_and_check_mode_changes_nothing(tmp_path):
    journal = Journal('k', root=str(tmp_path))
    daemon = FakeDaemon(refuse=['remove old', 'connect a-id', 'connect b-id'])
    with pytest.raises(Exception):
        run(daemon, journal)  # disconnected both, removing refused, reconnecting refused: a cut after disconnect
    [entry] = journal.entries('bridge')
    daemon.refuse = set()
    recreate = Recreate(Calls(daemon), journal, 'h1', 'bridge')
    assert recreate.recover(entry, list(daemon.networks.values()), check_mode=True)['action'] == 'recovered'
    assert daemon.attached['old'] == set()
    report = recreate.recover(entry, list(daemon.networks.values()), check_mode=False)
    assert 'rolled back' in report['reason']
    assert daemon.attached['old'] == set(['a-id', 'b-id'])
    assert journal.entries('bridge') == []
