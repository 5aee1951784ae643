# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a daemon.json change: every problem before the file is written, and after a restart.

Private to this collection. ``_daemon_config`` says what each network key is and how it is read and
merged; this file checks a candidate file against itself and the host's facts (``HostFacts``, read
by ``_daemon_network`` before any change), and the restarted daemon against the file. No Docker
calls and no host reads here either, so every rule is unit-testable.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.fleetnet.docker.plugins.module_utils._daemon_config import (
    BY_JSON,
    BY_OPTION,
    FIREWALL_BACKENDS,
    KEYS,
    _canonical,
    _canonical_net,
    flag_text,
)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import SWARM_NFTABLES_FEATURE_FROM, engine_at_least
from ansible_collections.fleetnet.docker.plugins.module_utils._ipam import overlaps


# ---- validation: every problem as (option name, reason) ---------------------------------------

class HostFacts:
    """What validation needs to know about the host; every field is read before any change."""

    def __init__(self, engine_version='', flags=None, networks=None, prefixes=None,
                 docker_interfaces=None, swarm_active=False, ipv4_forwarding=None, nft_found=None):
        self.engine_version = engine_version
        self.flags = flags or {}
        self.networks = networks or []              # [(name, [subnet, ...])] of the host's Docker networks
        self.prefixes = prefixes or []              # _host_reads.HostPrefix of the host's interfaces
        self.docker_interfaces = set(docker_interfaces or [])  # bridges of Docker networks (docker0, br-...)
        self.swarm_active = swarm_active
        self.ipv4_forwarding = ipv4_forwarding      # net.ipv4.ip_forward of the host; None: not read
        self.nft_found = nft_found                  # the "nft" program is installed; None: not looked for


def _interface(text, version, option):
    try:
        interface = ipaddress.ip_interface(u'%s' % text)
    except ValueError:
        raise ValueError('"%s" is not an address with a prefix length (e.g. %s)'
                         % (text, '10.10.0.1/24' if version == 4 else 'fd00:10::1/64'))
    if '/' not in u'%s' % text:
        raise ValueError('"%s" has no prefix length' % text)
    if interface.version != version:
        raise ValueError('"%s" is an IPv%d address; use %s' % (text, interface.version, _other(option)))
    network = interface.network
    if network.num_addresses > 2 and interface.ip in (network.network_address, network.broadcast_address) \
            and version == 4:
        raise ValueError('%s is the %s address of %s; the bridge needs a host address such as %s'
                         % (interface.ip, 'network' if interface.ip == network.network_address else 'broadcast',
                            network, network.network_address + 1))
    if version == 6 and interface.ip == network.network_address and network.num_addresses > 1:
        raise ValueError('%s is the subnet-router address of %s; use a host address such as %s'
                         % (interface.ip, network, network.network_address + 1))
    return interface


def _other(option):
    return {'bip': 'bip6', 'bip6': 'bip', 'fixed_cidr': 'fixed_cidr_v6', 'fixed_cidr_v6': 'fixed_cidr',
            'default_gateway': 'default_gateway_v6', 'default_gateway_v6': 'default_gateway'}[option]


def _strict_network(text, version, option):
    if '/' not in u'%s' % text:
        raise ValueError('"%s" is not in CIDR notation (address/prefix length)' % text)
    try:
        network = ipaddress.ip_network(u'%s' % text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(u'%s' % text, strict=False)
        except ValueError:
            raise ValueError('"%s" is not a valid CIDR: %s' % (text, exc))
        raise ValueError('"%s" has host bits set; the subnet is %s' % (text, loose))
    if version and network.version != version:
        raise ValueError('"%s" is not an IPv%d subnet; use %s' % (text, version, _other(option)))
    return network


def _address(text, version, option):
    try:
        address = ipaddress.ip_address(u'%s' % text)
    except ValueError:
        raise ValueError('"%s" is not a valid IP address' % text)
    if address.version != version:
        raise ValueError('"%s" is not an IPv%d address; use %s' % (text, version, _other(option)))
    return address


def _parsed(problems, option, parse, *arguments):
    try:
        return parse(*arguments)
    except ValueError as exc:
        problems.append((option, str(exc)))
        return None


def _value_problems(given, candidate, problems):
    """Each value on its own and the bridge keys against each other."""
    bip = bip6 = None
    if 'bip' in candidate:
        bip = _parsed(problems if 'bip' in given else [], 'bip', _interface, candidate['bip'], 4, 'bip')
    if 'bip6' in candidate:
        bip6 = _parsed(problems if 'bip6' in given else [], 'bip6', _interface, candidate['bip6'], 6, 'bip6')
    fixed = fixed6 = None
    if 'fixed-cidr' in given:
        fixed = _parsed(problems, 'fixed_cidr', _strict_network, given['fixed-cidr'], 4, 'fixed_cidr')
    if 'fixed-cidr-v6' in given:
        fixed6 = _parsed(problems, 'fixed_cidr_v6', _strict_network, given['fixed-cidr-v6'], 6, 'fixed_cidr_v6')
    if fixed and bip and not fixed.subnet_of(bip.network):
        problems.append(('fixed_cidr', '%s is outside the bridge subnet %s of bip %s' % (fixed, bip.network, bip)))
    if fixed6 and bip6 and not fixed6.subnet_of(bip6.network):
        problems.append(('fixed_cidr_v6', '%s is outside the bridge subnet %s of bip6 %s' % (fixed6, bip6.network, bip6)))
    for option, version, bridge in (('default_gateway', 4, bip), ('default_gateway_v6', 6, bip6 or fixed6)):
        name = BY_OPTION[option].json_key
        if name not in given:
            continue
        gateway = _parsed(problems, option, _address, given[name], version, option)
        subnet = bridge.network if hasattr(bridge, 'network') else bridge
        if gateway and subnet and gateway not in subnet:
            problems.append((option, '%s is outside the bridge subnet %s' % (gateway, subnet)))
    if 'mtu' in given and not 68 <= given['mtu'] <= 65535:
        problems.append(('mtu', '%s is not an MTU between 68 and 65535' % given['mtu']))
    for server in given.get('dns') or []:
        _parsed(problems, 'dns', _address_any, server)
    for domain in given.get('dns-search') or []:
        if not re.match(r'^(\.|[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?)$', domain):
            problems.append(('dns_search', '"%s" is not a DNS domain name' % domain))
    for option in given.get('dns-opts') or []:
        if not option.strip() or ' ' in option.strip():
            problems.append(('dns_opts', '"%s" is not a resolver option such as ndots:2' % option))
    for driver, options in (given.get('default-network-opts') or {}).items():
        if not isinstance(options, dict):
            problems.append(('default_network_opts', 'driver "%s" needs a dict of options, not %r' % (driver, options)))
    if 'firewall-backend' in given and given['firewall-backend'] not in FIREWALL_BACKENDS:
        problems.append(('firewall_backend', '"%s" is not one of %s' % (given['firewall-backend'], ', '.join(FIREWALL_BACKENDS))))
    # dockerd refuses icc=false without iptables: icc=false is enforced with iptables rules.
    if candidate.get('icc') is False and candidate.get('iptables') is False and ('icc' in given or 'iptables' in given):
        problems.append(('icc' if 'icc' in given else 'iptables',
                         'icc false needs iptables true: Docker enforces icc=false with iptables rules'))
    if 'bip' in given and 'bridge' in candidate:
        problems.append(('bip', 'daemon.json also sets "bridge" (%s); dockerd refuses bip together with bridge'
                         % candidate['bridge']))


def _address_any(text):
    try:
        return ipaddress.ip_address(u'%s' % text)
    except ValueError:
        raise ValueError('"%s" is not a valid IP address' % text)


def _pool_problems(given, current, facts, problems):
    pools = given.get('default-address-pools')
    if pools is None:
        return
    current_pools = [(pool.get('base'), pool.get('size')) for pool in
                     (_canonical(BY_OPTION['default_address_pools'], current.get('default-address-pools')) or [])]
    parsed = []
    for number, pool in enumerate(pools, 1):
        where = 'pool %d (%s)' % (number, pool.get('base'))
        try:
            base = _strict_network(pool.get('base'), None, 'default_address_pools')
        except ValueError as exc:
            problems.append(('default_address_pools', '%s: %s' % (where, exc)))
            continue
        size = pool.get('size')
        if not isinstance(size, int) or not base.prefixlen <= size <= base.max_prefixlen:
            problems.append(('default_address_pools', '%s: size %s must be a prefix length from %d to %d'
                             % (where, size, base.prefixlen, base.max_prefixlen)))
            continue
        for earlier_number, earlier in parsed:
            if overlaps(str(base), str(earlier)):
                problems.append(('default_address_pools', '%s overlaps pool %d (%s)' % (where, earlier_number, earlier)))
        parsed.append((number, base))
        if (str(base), size) in current_pools:
            continue  # in use already: the networks Docker allocated from it are expected to overlap it
        _overlap_with_host(where, str(base), 'default_address_pools', facts, problems)


def _overlap_with_host(what, subnet, option, facts, problems, skip_network='bridge'):
    """``subnet`` against the host's Docker networks (by name) and its interfaces' addresses and routes."""
    for name, subnets in facts.networks:
        if name == skip_network:
            continue  # the default bridge is made again from bip or the pools when the daemon restarts
        for other in subnets:
            if _same_version_overlap(subnet, other):
                problems.append((option, '%s overlaps network "%s" (%s)' % (what, name, other)))
    for prefix in facts.prefixes:
        if prefix.interface in facts.docker_interfaces:
            continue  # a Docker network's own bridge: reported by network name above
        if _same_version_overlap(subnet, prefix.prefix):
            problems.append((option, '%s overlaps %s' % (what, prefix.describe())))


def _same_version_overlap(first, second):
    try:
        return overlaps(first, second)
    except ValueError:
        return False


def _bip_problems(given, current, facts, problems):
    for option in ('bip', 'bip6'):
        key = BY_OPTION[option]
        value = given.get(key.json_key)
        if value is None or _canonical(key, current.get(key.json_key)) == _canonical(key, value):
            continue
        try:
            network = str(ipaddress.ip_interface(u'%s' % value).network)
        except ValueError:
            continue
        _overlap_with_host('%s %s' % (option, value), network, option, facts, problems)


def _version_problems(given, facts, problems):
    for key in KEYS:
        if key.json_key in given and key.since and facts.engine_version and not engine_at_least(facts.engine_version, key.since):
            problems.append((key.option, 'needs Docker Engine %s or newer; the host runs %s'
                             % (key.since, facts.engine_version)))


def _flag_problems(candidate, facts, problems):
    for name in candidate:
        key = BY_JSON.get(name)
        if key is None:
            continue
        for flag in key.flags:
            if flag in facts.flags:
                problems.append((key.option, 'the running dockerd is started with %s; dockerd refuses to start '
                                 'when a setting is both a flag and in daemon.json (remove one of them)'
                                 % flag_text(flag, facts.flags[flag])))


def validate(given, current, candidate, facts):
    """Every problem of the whole input as (option name, reason); empty when it can be written."""
    problems = []
    _version_problems(given, facts, problems)
    _value_problems(given, candidate, problems)
    _pool_problems(given, current, facts, problems)
    _bip_problems(given, current, facts, problems)
    _flag_problems(candidate, facts, problems)
    if candidate.get('live-restore') and facts.swarm_active:
        problems.append(('live_restore', 'the host is in swarm mode, and dockerd refuses live-restore in swarm mode'))
    _nftables_problems(current, candidate, facts, problems)
    return problems


def _nftables_problems(current, candidate, facts, problems):
    """What dockerd fails on late under the nftables backend (Engine 29), when the file is to change.

    moby: swarm mode is refused under nftables unless the swarm-nftables feature is on
    (IsSwarmCompatible); the bridge driver does not turn IP forwarding on under nftables, it only checks
    it (setup_ip_forwarding.go, checkIPv4Forwarding), so every bridge network, the default one included,
    fails to start while net.ipv4.ip_forward is 0; and the backend runs the "nft" program.
    """
    if candidate.get('firewall-backend') != 'nftables' or candidate == current:
        return
    if facts.swarm_active and candidate.get('iptables') is not False:
        if not engine_at_least(facts.engine_version, SWARM_NFTABLES_FEATURE_FROM):
            problems.append(('firewall_backend', 'the host is in swarm mode, and dockerd %s refuses the nftables backend in '
                             'swarm mode (Docker Engine %s and later allow it with the "swarm-nftables" feature)'
                             % (facts.engine_version, SWARM_NFTABLES_FEATURE_FROM)))
        elif (candidate.get('features') or {}).get('swarm-nftables') is not True:
            problems.append(('firewall_backend', 'the host is in swarm mode, and dockerd refuses the nftables backend in '
                             'swarm mode unless daemon.json\'s "features" has "swarm-nftables": true'))
    if candidate.get('ip-forward') is not False and facts.ipv4_forwarding is False:
        problems.append(('firewall_backend', 'dockerd does not turn IP forwarding on under nftables, and net.ipv4.ip_forward '
                         'is 0 on this host, so dockerd would fail to start its bridge networks: set the sysctl '
                         'net.ipv4.ip_forward=1 (and keep it across reboots), or ip_forward: false'))
    if facts.nft_found is False:
        problems.append(('firewall_backend', 'the nftables backend runs the "nft" program, which is not installed on this '
                         'host (Debian package nftables)'))


def problem_line(host, problem):
    """``key "bip" on h1: reason``; a problem of the host rather than of one key has None for its option."""
    option, reason = problem
    return ('key "%s" on %s: %s' % (option, host, reason)) if option else ('%s: %s' % (host, reason))


def problems_message(host, problems):
    lines = [problem_line(host, problem) for problem in problems]
    if len(lines) == 1:
        return lines[0] + '; nothing was changed'
    return '%d problems, nothing was changed: %s' % (len(lines), '; '.join(lines))


# ---- after a restart: are the new settings in effect? ------------------------------------------

def effect_problems(candidate, bridge_network, bridge_addresses, info):
    """Differences between the file and what the restarted daemon shows, as (option, reason).

    ``bridge_network`` is ``docker network inspect bridge``, ``bridge_addresses`` the addresses of
    its Linux bridge (docker0) as ``address/prefix`` text, ``info`` is GET /info.
    """
    problems = []
    options = (bridge_network or {}).get('Options') or {}
    ipam = ((bridge_network or {}).get('IPAM') or {}).get('Config') or []
    v4 = [entry for entry in ipam if ':' not in entry.get('Subnet', '')]
    if 'bip' in candidate:
        wanted = _canonical(BY_OPTION['bip'], candidate['bip'])
        if wanted not in bridge_addresses:
            problems.append(('bip', 'the default bridge has %s, not %s' % (', '.join(bridge_addresses) or 'no address', wanted)))
    if 'fixed-cidr' in candidate:
        ranges = [entry.get('IPRange') for entry in v4]
        if candidate['fixed-cidr'] not in ranges and _canonical_net(candidate['fixed-cidr']) not in ranges:
            problems.append(('fixed_cidr', 'the default bridge allocates from %s, not %s'
                             % (', '.join(r for r in ranges if r) or 'its whole subnet', candidate['fixed-cidr'])))
    for name, option_name in (('mtu', 'com.docker.network.driver.mtu'),
                              ('icc', 'com.docker.network.bridge.enable_icc'),
                              ('ip-masq', 'com.docker.network.bridge.enable_ip_masquerade')):
        if name not in candidate or option_name not in options:
            continue
        wanted = str(candidate[name]).lower()
        if options[option_name].lower() != wanted:
            problems.append((BY_JSON[name].option, 'the default bridge has %s=%s, not %s' % (option_name, options[option_name], wanted)))
    if 'ipv6' in candidate and bridge_network is not None and bool(bridge_network.get('EnableIPv6')) != bool(candidate['ipv6']):
        problems.append(('ipv6', 'the default bridge has EnableIPv6=%s' % bridge_network.get('EnableIPv6')))
    if 'live-restore' in candidate and bool(info.get('LiveRestoreEnabled')) != bool(candidate['live-restore']):
        problems.append(('live_restore', 'docker info shows LiveRestoreEnabled=%s' % info.get('LiveRestoreEnabled')))
    return problems
