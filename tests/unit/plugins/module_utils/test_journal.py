# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _journal
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal, JournalError


def test_daemon_key_is_the_none_networks_id_which_survives_restarts():
    networks = [dict(Name='bridge', Id='b' * 64), dict(Name='host', Id='h' * 64), dict(Name='none', Id='n' * 64)]
    assert _journal.daemon_key(networks) == 'n' * 12
    assert _journal.daemon_key([dict(Name='host', Id='h' * 64)]) == 'h' * 12
    assert _journal.daemon_key([dict(Name='bridge', Id='b' * 64)]) is None


def test_an_entry_is_read_back_by_its_driver_only(tmp_path):
    journal = Journal('abc', root=str(tmp_path))
    entry = _journal.new_entry('web', 'bridge', 'old-id', dict(name='web'), dict(name='web', enable_icc=False),
                               [dict(name='api', aliases=['a']), dict(name='(service)', service='s')])
    journal.write(entry)
    assert os.stat(journal.path('web')).st_mode & 0o777 == 0o600
    assert oct(os.stat(journal.directory).st_mode & 0o777) == oct(0o700)
    read = journal.entries('bridge')
    assert len(read) == 1
    assert read[0]['old'] == dict(id='old-id', config=dict(name='web'))
    # Service endpoints are the swarm's to restore, not the journal's.
    assert [endpoint['name'] for endpoint in read[0]['endpoints']] == ['api']
    assert journal.entries('macvlan') == []
    journal.remove('web')
    journal.remove('web')  # removing twice is not an error: a recovery may be cut off after removing
    assert journal.entries('bridge') == []


def test_no_directory_means_no_entries(tmp_path):
    assert Journal('abc', root=str(tmp_path / 'missing')).entries('bridge') == []


def test_a_name_cannot_reach_outside_the_directory(tmp_path):
    journal = Journal('abc', root=str(tmp_path))
    assert os.path.dirname(journal.path('../../etc/passwd')) == journal.directory
    assert os.path.basename(journal.path('web.v2_x-y')) == 'web.v2_x-y.json'


def test_an_unreadable_or_foreign_file_stops_the_run_naming_it(tmp_path):
    journal = Journal('abc', root=str(tmp_path))
    os.makedirs(journal.directory)
    with open(journal.path('web'), 'w') as handle:
        handle.write('{"format": 1, "network": "web"')
    with pytest.raises(JournalError, match='web.json cannot be read'):
        journal.entries('bridge')
    with open(journal.path('web'), 'w') as handle:
        json.dump(dict(format=99, network='web', driver='bridge'), handle)
    with pytest.raises(JournalError, match='format 99'):
        journal.entries('bridge')


def test_a_second_run_waits_for_the_lock_then_gives_up_naming_it(tmp_path):
    first = Journal('abc', root=str(tmp_path))
    second = Journal('abc', root=str(tmp_path))
    assert first.lock(timeout=0) is False
    with pytest.raises(JournalError, match='another run .* holds .*abc/lock'):
        second.lock(timeout=0.3)
    first.unlock()
    assert second.lock(timeout=0) is False
    second.unlock()
