# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""daemon.json network keys: reading, merging, replacing, flags, validation and after-restart checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_config as dc
from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_config_checks as checks
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import engine_at_least
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import HostPrefix


def facts(**kwargs):
    kwargs.setdefault('engine_version', '28.5.2')
    return checks.HostFacts(**kwargs)


def problems_of(config, current=None, state='merged', **fact_args):
    current = current or {}
    given = dc.desired_from_params(config)
    candidate = dc.candidate_file(current, given, state)
    return checks.validate(given, current, candidate, facts(**fact_args))


# ---- file, merge and replace -------------------------------------------------------------------

def test_an_empty_file_is_an_empty_object_and_comments_are_refused():
    assert dc.parse_file('  \n', '/etc/docker/daemon.json') == {}
    with pytest.raises(dc.ConfigFileError, match='is not valid JSON'):
        dc.parse_file('{// bip\n}', '/etc/docker/daemon.json')
    with pytest.raises(dc.ConfigFileError, match='holds a JSON list, not an object'):
        dc.parse_file('[]', '/etc/docker/daemon.json')


def test_merged_keeps_other_keys_and_their_order_and_adds_the_new_ones_last():
    current = {'log-level': 'warn', 'mtu': 1500, 'storage-driver': 'overlay2'}
    candidate = dc.candidate_file(current, dc.desired_from_params({'mtu': 1400, 'bip': '10.1.0.1/24'}), 'merged')
    assert list(candidate) == ['log-level', 'mtu', 'storage-driver', 'bip']
    assert candidate == {'log-level': 'warn', 'mtu': 1400, 'storage-driver': 'overlay2', 'bip': '10.1.0.1/24'}
    assert dc.changed_keys(current, candidate) == ['bip', 'mtu']


def test_replaced_drops_network_keys_not_given_but_keeps_non_network_keys():
    current = {'log-level': 'warn', 'mtu': 1500, 'live-restore': True, 'bip': '10.1.0.1/24'}
    candidate = dc.candidate_file(current, dc.desired_from_params({'bip': '10.1.0.1/24'}), 'replaced')
    assert candidate == {'log-level': 'warn', 'bip': '10.1.0.1/24'}


def test_the_same_value_written_another_way_is_no_change_and_keeps_its_spelling():
    current = {'fixed-cidr-v6': 'fd00:0:0::/64', 'dns': ['8.8.8.8']}
    candidate = dc.candidate_file(current, dc.desired_from_params({'fixed_cidr_v6': 'fd00::/64', 'dns': ['8.8.8.8']}), 'merged')
    assert candidate == current
    assert candidate['fixed-cidr-v6'] == 'fd00:0:0::/64'


def test_pools_and_network_opts_take_the_file_format():
    given = dc.desired_from_params({'default_address_pools': [{'base': '10.20.0.0/16', 'size': 24}],
                                    'default_network_opts': {'bridge': {'com.docker.network.driver.mtu': 1400}},
                                    'bip': None})
    assert given == {'default-address-pools': [{'base': '10.20.0.0/16', 'size': 24}],
                     'default-network-opts': {'bridge': {'com.docker.network.driver.mtu': '1400'}}}


def test_gathered_uses_option_names_and_leaves_other_keys_out():
    assert dc.network_options({'fixed-cidr': '10.1.0.0/25', 'log-level': 'warn', 'ip-masq': False}) == \
        {'fixed_cidr': '10.1.0.0/25', 'ip_masq': False}


def test_rendered_file_is_json_with_a_final_newline():
    assert dc.render_file({'bip': '10.1.0.1/24'}) == '{\n  "bip": "10.1.0.1/24"\n}\n'


# ---- the running daemon's command line ---------------------------------------------------------

def test_flags_in_both_spellings_and_booleans_without_a_value():
    argv = ['/usr/sbin/dockerd', '--config-file', '/srv/docker.json', '--bip=10.5.0.1/24', '--iptables',
            '--userland-proxy=false', '--dns', '1.1.1.1', '--dns=8.8.8.8', '-H', 'fd://']
    flags = dc.parse_dockerd_flags(argv)
    assert flags['--config-file'] == ['/srv/docker.json']
    assert flags['--bip'] == ['10.5.0.1/24']
    assert flags['--iptables'] == ['']
    assert flags['--userland-proxy'] == ['false']
    assert flags['--dns'] == ['1.1.1.1', '8.8.8.8']
    assert dc.config_file_from_flags(flags, '/etc/docker/daemon.json') == '/srv/docker.json'
    assert dc.config_file_from_flags({}, '/etc/docker/daemon.json') == '/etc/docker/daemon.json'


def test_a_key_that_is_also_a_flag_is_a_problem_named_by_the_flag():
    flags = dc.parse_dockerd_flags(['dockerd', '--userland-proxy=false', '--default-address-pool', 'base=10.0.0.0/8,size=24'])
    problems = problems_of({'userland_proxy': True, 'default_address_pools': [{'base': '10.30.0.0/16', 'size': 24}]}, flags=flags)
    assert ('userland_proxy', 'the running dockerd is started with --userland-proxy=false; dockerd refuses to start '
            'when a setting is both a flag and in daemon.json (remove one of them)') in problems
    assert any(option == 'default_address_pools' and '--default-address-pool=base=10.0.0.0/8,size=24' in reason
               for option, reason in problems)


def test_a_key_kept_in_the_file_is_checked_against_flags_too():
    problems = problems_of({'mtu': 1400}, current={'iptables': False}, flags={'--iptables': ['']})
    assert [option for option, _reason in problems] == ['iptables']


# ---- validation --------------------------------------------------------------------------------

def test_keys_newer_than_the_engine_name_both_versions():
    problems = problems_of({'bip6': 'fd00:1::1/64', 'allow_direct_routing': True, 'firewall_backend': 'iptables',
                            'default_network_opts': {'bridge': {}}, 'mtu': 1400}, engine_version='20.10.24+dfsg1')
    assert problems == [
        ('bip6', 'needs Docker Engine 28.0 or newer; the host runs 20.10.24+dfsg1'),
        ('default_network_opts', 'needs Docker Engine 24.0 or newer; the host runs 20.10.24+dfsg1'),
        ('allow_direct_routing', 'needs Docker Engine 28.2 or newer; the host runs 20.10.24+dfsg1'),
        ('firewall_backend', 'needs Docker Engine 29.0 or newer; the host runs 20.10.24+dfsg1'),
    ]
    assert problems_of({'allow_direct_routing': True}, engine_version='28.2.0') == []


def test_engine_versions_compare_by_number():
    assert engine_at_least('28.10.0', '28.2')
    assert not engine_at_least('20.10.24+dfsg1', '23.0')
    assert engine_at_least('26.1.5+dfsg1', '24.0')


def test_the_first_release_of_each_key_is_the_one_table_s():
    assert dc.BY_OPTION['bip6'].since == '28.0' and dc.BY_OPTION['firewall_backend'].since == '29.0'
    assert dc.BY_OPTION['bip'].since is None and dc.VALIDATE_SINCE == '23.0'


@pytest.mark.parametrize('bip, reason', [
    ('10.1.0.0/24', '10.1.0.0 is the network address of 10.1.0.0/24; the bridge needs a host address such as 10.1.0.1'),
    ('10.1.0.255/24', '10.1.0.255 is the broadcast address of 10.1.0.0/24; the bridge needs a host address such as 10.1.0.1'),
    ('10.1.0.1', '"10.1.0.1" has no prefix length'),
    ('10.1.0.300/24', '"10.1.0.300/24" is not an address with a prefix length (e.g. 10.10.0.1/24)'),
    ('fd00::1/64', '"fd00::1/64" is an IPv6 address; use bip6'),
])
def test_bad_bridge_addresses(bip, reason):
    assert problems_of({'bip': bip}) == [('bip', reason)]


def test_fixed_cidr_and_gateway_must_be_inside_the_bridge_subnet_and_have_no_host_bits():
    assert problems_of({'bip': '10.1.0.1/24', 'fixed_cidr': '10.2.0.0/25', 'default_gateway': '10.3.0.1'}) == [
        ('fixed_cidr', '10.2.0.0/25 is outside the bridge subnet 10.1.0.0/24 of bip 10.1.0.1/24'),
        ('default_gateway', '10.3.0.1 is outside the bridge subnet 10.1.0.0/24'),
    ]
    assert problems_of({'fixed_cidr': '10.1.0.5/25'}) == [('fixed_cidr', '"10.1.0.5/25" has host bits set; the subnet is 10.1.0.0/25')]
    # bip kept in the file is what fixed_cidr is checked against.
    assert problems_of({'fixed_cidr': '10.1.0.128/25'}, current={'bip': '10.1.0.1/24'}) == []
    assert problems_of({'fixed_cidr_v6': 'fd00:2::/64', 'bip6': 'fd00:1::1/64'}) == [
        ('fixed_cidr_v6', 'fd00:2::/64 is outside the bridge subnet fd00:1::/64 of bip6 fd00:1::1/64')]


def test_values_on_their_own():
    problems = problems_of({'mtu': 40, 'dns': ['1.2.3.4', 'dns.example'], 'dns_search': ['ok.example', 'bad domain'],
                            'dns_opts': ['ndots:2', ''], 'default_gateway_v6': '10.0.0.1'})
    assert problems == [
        ('default_gateway_v6', '"10.0.0.1" is not an IPv6 address; use default_gateway'),
        ('mtu', '40 is not an MTU between 68 and 65535'),
        ('dns', '"dns.example" is not a valid IP address'),
        ('dns_search', '"bad domain" is not a DNS domain name'),
        ('dns_opts', '"" is not a resolver option such as ndots:2'),
    ]


def test_icc_off_needs_iptables_and_bip_excludes_bridge():
    assert problems_of({'icc': False}, current={'iptables': False}) == [
        ('icc', 'icc false needs iptables true: Docker enforces icc=false with iptables rules')]
    assert problems_of({'bip': '10.1.0.1/24'}, current={'bridge': 'br0'}) == [
        ('bip', 'daemon.json also sets "bridge" (br0); dockerd refuses bip together with bridge')]


def test_pools_against_each_other_networks_and_host_interfaces():
    prefixes = [HostPrefix('eth0', '192.168.1.0/24', 'address'), HostPrefix('eth0', '10.50.0.0/16', 'route'),
                HostPrefix('br-0123456789ab', '10.60.1.0/24', 'address')]
    networks = [('bridge', ['172.17.0.0/16']), ('lan', ['10.60.1.0/24'])]
    pools = [{'base': '10.40.0.0/16', 'size': 24}, {'base': '10.40.128.0/17', 'size': 24},
             {'base': '192.168.0.0/16', 'size': 24}, {'base': '10.50.0.0/20', 'size': 24},
             {'base': '10.60.0.0/16', 'size': 24}, {'base': '172.16.0.0/12', 'size': 24},
             {'base': '10.70.0.0/16', 'size': 8}]
    problems = problems_of({'default_address_pools': pools}, prefixes=prefixes, networks=networks,
                           docker_interfaces=['docker0', 'br-0123456789ab'])
    assert problems == [
        ('default_address_pools', 'pool 2 (10.40.128.0/17) overlaps pool 1 (10.40.0.0/16)'),
        ('default_address_pools', 'pool 3 (192.168.0.0/16) overlaps address 192.168.1.0/24 of interface eth0'),
        ('default_address_pools', 'pool 4 (10.50.0.0/20) overlaps route 10.50.0.0/16 via interface eth0'),
        # The network's own bridge is reported by network name, once; the default bridge is made again.
        ('default_address_pools', 'pool 5 (10.60.0.0/16) overlaps network "lan" (10.60.1.0/24)'),
        ('default_address_pools', 'pool 7 (10.70.0.0/16): size 8 must be a prefix length from 16 to 32'),
    ]


def test_a_pool_already_in_the_file_may_overlap_the_networks_taken_from_it():
    pools = [{'base': '10.40.0.0/16', 'size': 24}]
    assert problems_of({'default_address_pools': pools}, current={'default-address-pools': pools},
                       networks=[('app', ['10.40.3.0/24'])]) == []


def test_a_new_bridge_address_against_the_host():
    problems = problems_of({'bip': '192.168.1.1/24'}, prefixes=[HostPrefix('eth0', '192.168.1.0/24', 'address')])
    assert problems == [('bip', 'bip 192.168.1.1/24 overlaps address 192.168.1.0/24 of interface eth0')]
    # docker0 has the current bridge address: it is the one being replaced.
    assert problems_of({'bip': '10.9.0.1/24'}, prefixes=[HostPrefix('docker0', '10.9.0.0/24', 'address')],
                       docker_interfaces=['docker0']) == []


def test_live_restore_is_refused_in_swarm_mode():
    assert problems_of({'live_restore': True}, swarm_active=True) == [
        ('live_restore', 'the host is in swarm mode, and dockerd refuses live-restore in swarm mode')]
    assert problems_of({'live_restore': False}, swarm_active=True) == []


def nftables_problems(config=None, current=None, **host):
    """problems_of the nftables backend on a 29.7 host with forwarding on and nft installed, unless ``host`` says otherwise."""
    facts_given = dict(engine_version='29.7.2', ipv4_forwarding=True, nft_found=True)
    facts_given.update(host)
    return problems_of(config or {'firewall_backend': 'nftables'}, current, **facts_given)


def test_the_nftables_backend_is_refused_where_dockerd_would_fail_on_it():
    assert nftables_problems() == []
    # Swarm mode: before 29.6 never; from 29.6 with the swarm-nftables feature in the file.
    assert nftables_problems(swarm_active=True, engine_version='29.5.0') == [
        ('firewall_backend', 'the host is in swarm mode, and dockerd 29.5.0 refuses the nftables backend in swarm mode '
                             '(Docker Engine 29.6 and later allow it with the "swarm-nftables" feature)')]
    assert nftables_problems(swarm_active=True) == [
        ('firewall_backend', 'the host is in swarm mode, and dockerd refuses the nftables backend in swarm mode unless '
                             'daemon.json\'s "features" has "swarm-nftables": true')]
    assert nftables_problems(current={'features': {'swarm-nftables': True}}, swarm_active=True) == []
    assert nftables_problems({'firewall_backend': 'nftables', 'iptables': False}, swarm_active=True) == []
    # IP forwarding off, and no nft program.
    assert [reason for _key, reason in nftables_problems(ipv4_forwarding=False, nft_found=False)] == [
        'dockerd does not turn IP forwarding on under nftables, and net.ipv4.ip_forward is 0 on this host, so dockerd '
        'would fail to start its bridge networks: set the sysctl net.ipv4.ip_forward=1 (and keep it across reboots), '
        'or ip_forward: false',
        'the nftables backend runs the "nft" program, which is not installed on this host (Debian package nftables)']
    assert nftables_problems({'firewall_backend': 'nftables', 'ip_forward': False}, ipv4_forwarding=False) == []
    # A file that already says nftables and does not change is not judged again.
    assert nftables_problems(current={'firewall-backend': 'nftables'}, nft_found=False) == []


def test_messages_name_host_and_key_and_count_problems():
    assert checks.problems_message('h1', [('mtu', 'bad')]) == 'key "mtu" on h1: bad; nothing was changed'
    assert checks.problems_message('h1', [('mtu', 'bad'), (None, 'containers run')]) == \
        '2 problems, nothing was changed: key "mtu" on h1: bad; h1: containers run'


# ---- after the restart -------------------------------------------------------------------------

BRIDGE = {
    'EnableIPv6': False,
    'IPAM': {'Config': [{'Subnet': '10.1.0.0/24', 'Gateway': '10.1.0.1', 'IPRange': '10.1.0.128/25'}]},
    'Options': {'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.enable_icc': 'true',
                'com.docker.network.bridge.enable_ip_masquerade': 'true'},
}


def test_settings_in_effect_show_no_problem():
    candidate = {'bip': '10.1.0.1/24', 'fixed-cidr': '10.1.0.128/25', 'mtu': 1400, 'icc': True, 'live-restore': True}
    assert checks.effect_problems(candidate, BRIDGE, ['10.1.0.1/24'], {'LiveRestoreEnabled': True}) == []


def test_settings_not_in_effect_are_named():
    candidate = {'bip': '10.2.0.1/24', 'fixed-cidr': '10.2.0.0/25', 'mtu': 1450, 'ip-masq': False, 'ipv6': True,
                 'live-restore': True}
    assert checks.effect_problems(candidate, BRIDGE, ['10.1.0.1/24'], {'LiveRestoreEnabled': False}) == [
        ('bip', 'the default bridge has 10.1.0.1/24, not 10.2.0.1/24'),
        ('fixed_cidr', 'the default bridge allocates from 10.1.0.128/25, not 10.2.0.0/25'),
        ('mtu', 'the default bridge has com.docker.network.driver.mtu=1400, not 1450'),
        ('ip_masq', 'the default bridge has com.docker.network.bridge.enable_ip_masquerade=true, not false'),
        ('ipv6', 'the default bridge has EnableIPv6=False'),
        ('live_restore', 'docker info shows LiveRestoreEnabled=False'),
    ]


def test_every_key_has_its_flag_and_json_name():
    assert dc.BY_OPTION['dns_opts'].flags == ['--dns-opt']
    assert dc.BY_OPTION['fixed_cidr_v6'].json_key == 'fixed-cidr-v6'
    assert len(dc.KEYS) == 22
