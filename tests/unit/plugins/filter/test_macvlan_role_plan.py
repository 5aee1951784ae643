# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan_role_plan filter hands the role's per-host input to the plan (tested in test_macvlan_role.py)."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.filter.macvlan_role_plan import FilterModule, macvlan_role_plan


def test_registered_under_its_documented_name():
    assert list(FilterModule().filters()) == ['macvlan_role_plan']


def test_input_that_is_not_per_host_dicts_is_refused():
    with pytest.raises(AnsibleFilterError, match='list of per-host dicts with a "host" key'):
        macvlan_role_plan([{'networks': []}])


def test_a_host_without_networks_gets_an_empty_plan():
    plan = macvlan_role_plan([dict(host='h1', networks=[], state='merged')])
    assert plan['problems'] == [] and plan['hosts']['h1']['macvlan'] == []
