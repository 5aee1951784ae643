# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam


def test_canonical_forms():
    assert _ipam.canonical_subnet('fd00:0:0::/64') == 'fd00::/64'
    assert _ipam.canonical_subnet(' 10.1.0.0/24') == '10.1.0.0/24'
    assert _ipam.canonical_address('FD00:0::1') == 'fd00::1'
    assert _ipam.canonical_address('10.1.0.5/24') == '10.1.0.5'
    assert _ipam.canonical_subnet('nonsense') == 'nonsense'


@pytest.mark.parametrize('text, reason', [
    ('10.1.0.0', 'is not in CIDR notation'),
    ('10.1.0.5/24', 'has host bits set; the subnet is 10.1.0.0/24'),
    ('10.1.0/33', 'is not a valid CIDR'),
])
def test_parse_subnet_reasons(text, reason):
    with pytest.raises(ValueError) as caught:
        _ipam.parse_subnet(text)
    assert reason in str(caught.value)


def test_first_host_and_containment():
    assert _ipam.first_host('10.1.0.0/24') == '10.1.0.1'
    assert _ipam.first_host('fd00::/64') == 'fd00::1'
    assert _ipam.address_in('10.1.0.9', '10.1.0.0/24')
    assert not _ipam.address_in('10.1.1.9', '10.1.0.0/24')
    assert _ipam.subnet_within('10.1.0.128/25', '10.1.0.0/24')
    assert not _ipam.subnet_within('fd00::/80', '10.1.0.0/24')


def test_overlaps_only_within_one_ip_version():
    assert _ipam.overlaps('10.1.0.0/24', '10.1.0.0/16')
    assert not _ipam.overlaps('10.1.0.0/24', '10.2.0.0/24')
    assert not _ipam.overlaps('10.1.0.0/24', 'fd00::/64')


def test_subnet_problems_name_field_and_reason():
    entry = dict(subnet='10.1.0.0/24', gateway='10.2.0.1', ip_range='10.1.1.0/25',
                 aux_addresses=dict(router='10.3.0.1', ok='10.1.0.2'))
    problems = _ipam.subnet_problems(entry)
    assert ('gateway', '10.2.0.1 is outside subnet 10.1.0.0/24') in problems
    assert ('ip_range', '10.1.1.0/25 is outside subnet 10.1.0.0/24') in problems
    assert ('aux_addresses.router', '10.3.0.1 is outside subnet 10.1.0.0/24') in problems
    assert len(problems) == 3
    assert _ipam.subnet_problems(dict(subnet='10.1.0.0/24', gateway='10.1.0.254')) == []
    assert _ipam.subnet_problems(dict(subnet='300.1.0.0/24'))[0][0] == 'subnet'


def test_fits_subnets():
    assert _ipam.fits_subnets('10.1.0.5', ['fd00::/64', '10.1.0.0/24'])
    assert not _ipam.fits_subnets('10.9.0.5', ['10.1.0.0/24'])
    assert not _ipam.fits_subnets('garbage', ['10.1.0.0/24'])


def test_slice_range_gives_disjoint_per_host_ranges():
    slices = [_ipam.slice_range('10.92.0.0/24', 3, index) for index in range(3)]
    assert slices == ['10.92.0.0/26', '10.92.0.64/26', '10.92.0.128/26']
    with pytest.raises(ValueError):
        _ipam.slice_range('10.92.0.0/31', 4, 0)


def test_slice_of_keeps_its_size_whatever_the_number_of_hosts():
    assert [_ipam.slice_of('10.92.0.128/25', 27, index) for index in range(4)] == \
        ['10.92.0.128/27', '10.92.0.160/27', '10.92.0.192/27', '10.92.0.224/27']
    assert _ipam.slice_count('10.92.0.128/25', 27) == 4
    assert _ipam.slice_count('10.92.0.128/25', 24) == 0
    with pytest.raises(ValueError, match='holds 4 slices of /27'):
        _ipam.slice_of('10.92.0.128/25', 27, 4)


def test_address_at_counts_from_the_start_or_the_end():
    assert _ipam.address_at('10.92.0.64/27', -1) == '10.92.0.95'
    assert _ipam.address_at('10.92.0.64/27', 3) == '10.92.0.67'
    with pytest.raises(ValueError):
        _ipam.address_at('10.92.0.64/27', -33)


def test_which_slice_of_a_pool_a_subnet_is_and_where_an_address_is_in_a_prefix():
    assert _ipam.slice_number_of('10.60.0.0/16', 24, '10.60.7.0/24') == 7
    assert _ipam.slice_number_of('fd00:1::/48', 64, 'fd00:1:0:2::/64') == 2
    # the wrong size, outside the pool, the other IP version, not a subnet: no slice
    assert [_ipam.slice_number_of('10.60.0.0/16', 24, subnet) for subnet in ('10.60.7.0/25', '10.61.0.0/24', 'fd00::/24', 'x')] \
        == [None, None, None, None]
    assert _ipam.offset_in('10.0.0.0/24', '10.0.0.13') == 13
    assert [_ipam.offset_in('10.0.0.0/24', address) for address in ('10.0.1.1', 'fd00::1', 'h1', None)] == [None, None, None, None]
