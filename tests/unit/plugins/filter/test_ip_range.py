# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ip_range_slice and ip_range_address filters: stable per-host slices and clear errors."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.filter.ip_range import FilterModule, ip_range_address, ip_range_slice

POOL = '192.168.10.128/25'
HOSTS = ['h1', 'h2', 'h3']


def test_the_filters_are_registered_under_their_documented_names():
    assert sorted(FilterModule().filters()) == ['ip_range_address', 'ip_range_slice']


def test_each_host_gets_its_own_slice_by_position():
    slices = [ip_range_slice(POOL, 28, host=host, hosts=HOSTS) for host in HOSTS]
    assert slices == ['192.168.10.128/28', '192.168.10.144/28', '192.168.10.160/28']


def test_adding_a_host_at_the_end_moves_no_other_slice():
    before = dict((host, ip_range_slice(POOL, 28, host=host, hosts=HOSTS)) for host in HOSTS)
    grown = HOSTS + ['h4']
    after = dict((host, ip_range_slice(POOL, 28, host=host, hosts=grown)) for host in grown)
    assert dict((host, after[host]) for host in HOSTS) == before
    assert after['h4'] == '192.168.10.176/28'


def test_an_explicit_index_wins_over_the_position_and_may_come_from_inventory_text():
    assert ip_range_slice(POOL, 28, index=7) == '192.168.10.240/28'
    assert ip_range_slice(POOL, '28', index='2', host='h1', hosts=HOSTS) == '192.168.10.160/28'


def test_ipv6_and_a_slice_as_large_as_the_pool():
    assert ip_range_slice('fd00:10::/64', 80, index=1) == 'fd00:10:0:0:1::/80'
    assert ip_range_slice(POOL, 25, index=0) == POOL


@pytest.mark.parametrize('arguments, message', [
    (dict(pool=POOL, prefix_length=28, index=8),
     'ip_range_slice: 192.168.10.128/25 is too small for slice index 8: it holds 8 slices of /28 (indexes 0-7)'),
    (dict(pool=POOL, prefix_length=28, host='h9', hosts=['h%d' % number for number in range(1, 10)]),
     'ip_range_slice: host "h9" is at position 8 of hosts: 192.168.10.128/25 is too small for slice index 8'),
    (dict(pool=POOL, prefix_length=24, index=0),
     'ip_range_slice: a /24 slice does not fit in 192.168.10.128/25: the slice prefix length must be 25 to 32'),
    (dict(pool='192.168.10.130/25', prefix_length=28, index=0),
     'ip_range_slice: "192.168.10.130/25" has host bits set; the subnet is 192.168.10.128/25'),
    (dict(pool='10.1.0.0', prefix_length=28, index=0),
     'ip_range_slice: "10.1.0.0" is not in CIDR notation (address/prefix length)'),
    (dict(pool='10.300.0.0/16', prefix_length=28, index=0), 'ip_range_slice: "10.300.0.0/16" is not a valid CIDR'),
    (dict(pool=POOL, prefix_length=28, index=-1), 'ip_range_slice: 192.168.10.128/25 is too small for slice index -1'),
    (dict(pool=POOL, prefix_length='x', index=0), 'ip_range_slice: prefix_length must be a whole number, not "x"'),
    (dict(pool=POOL, prefix_length=28, index=True), 'ip_range_slice: index must be a whole number, not True'),
    (dict(pool=POOL, prefix_length=28, host='h4', hosts=HOSTS),
     'ip_range_slice: host "h4" is not in hosts (h1, h2, h3), so it has no slice; give it an index'),
    (dict(pool=POOL, prefix_length=28), 'ip_range_slice: give index (the slice number), or host and hosts'),
])
def test_errors_name_the_problem(arguments, message):
    with pytest.raises(AnsibleFilterError) as raised:
        ip_range_slice(**arguments)
    assert message in str(raised.value)


def test_ip_range_address_counts_from_either_end():
    assert ip_range_address('192.168.10.144/28', -1) == '192.168.10.159'
    assert ip_range_address('192.168.10.144/28', 0) == '192.168.10.144'
    assert ip_range_address('192.168.10.144/28', '1') == '192.168.10.145'
    with pytest.raises(AnsibleFilterError, match='192.168.10.144/28 has no address at position 16: it holds 16 addresses'):
        ip_range_address('192.168.10.144/28', 16)
    with pytest.raises(AnsibleFilterError, match='is not in CIDR notation'):
        ip_range_address('192.168.10.144', -1)
