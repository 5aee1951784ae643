# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network keys of Docker's daemon.json: what each one is, how to read, merge and check them.

Private to this collection and free of Docker calls and host reads, so every rule is unit-testable.
The module's options use snake_case (``fixed_cidr``); the file uses dockerd's names (``fixed-cidr``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.fleetnet.docker.plugins.module_utils._ipam import overlaps


class DaemonKey:
    """One network setting of dockerd: its option name, daemon.json key, flags and first engine."""

    def __init__(self, option, kind, since=None, flags=None, elements=None):
        self.option = option
        self.json_key = option.replace('_', '-')
        self.kind = kind            # argspec type: str, int, bool, list, dict
        self.elements = elements
        self.since = since          # first engine version (text) that knows the key; None: every supported one
        # dockerd flags that set the same thing; Docker refuses to start when a key is in both places.
        self.flags = flags or ['--' + self.json_key]


# The first engine versions come from moby's release notes and pull requests: bip6 (moby 28.0,
# docker/cli#5597), default-network-opts (24.0, moby#43197), allow-direct-routing (28.2, moby#49832),
# firewall-backend (29.0, moby#50357). The others are older than every engine this collection supports.
KEYS = [
    DaemonKey('bip', 'str'),
    DaemonKey('bip6', 'str', since='28.0'),
    DaemonKey('fixed_cidr', 'str'),
    DaemonKey('fixed_cidr_v6', 'str'),
    DaemonKey('default_address_pools', 'list', flags=['--default-address-pool'], elements='dict'),
    DaemonKey('mtu', 'int'),
    DaemonKey('ipv6', 'bool'),
    DaemonKey('ip6tables', 'bool'),
    DaemonKey('iptables', 'bool'),
    DaemonKey('ip_forward', 'bool'),
    DaemonKey('ip_masq', 'bool'),
    DaemonKey('icc', 'bool'),
    DaemonKey('userland_proxy', 'bool'),
    DaemonKey('default_gateway', 'str'),
    DaemonKey('default_gateway_v6', 'str'),
    DaemonKey('dns', 'list', elements='str'),
    DaemonKey('dns_opts', 'list', flags=['--dns-opt'], elements='str'),
    DaemonKey('dns_search', 'list', elements='str'),
    DaemonKey('default_network_opts', 'dict', since='24.0', flags=['--default-network-opt']),
    DaemonKey('allow_direct_routing', 'bool', since='28.2'),
    DaemonKey('firewall_backend', 'str', since='29.0'),
    DaemonKey('live_restore', 'bool'),
]
BY_OPTION = dict((key.option, key) for key in KEYS)
BY_JSON = dict((key.json_key, key) for key in KEYS)
# Settings of the default bridge (docker0), which dockerd keeps while live-restored containers use it.
DEFAULT_BRIDGE_KEYS = ['bip', 'bip6', 'fixed_cidr', 'fixed_cidr_v6', 'mtu', 'icc', 'ip_masq', 'ipv6',
                       'default_gateway', 'default_gateway_v6']
FIREWALL_BACKENDS = ['iptables', 'nftables']
# dockerd --validate checks a configuration file without starting a daemon (moby 23.0).
VALIDATE_SINCE = '23.0'


class ConfigFileError(Exception):
    """daemon.json cannot be read as a JSON object."""


def version_tuple(version):
    """(major, minor, patch) of an engine version such as ``20.10.24+dfsg1`` or ``28.5.2``."""
    # Distribution suffixes (+dfsg1, -ce, -rc.1) are not part of the engine's number.
    numbers = re.findall(r'\d+', re.split(r'[+-]', str(version), maxsplit=1)[0])[:3]
    return tuple(int(number) for number in numbers)


def engine_at_least(engine_version, needed):
    return version_tuple(engine_version) >= version_tuple(needed)


def parse_file(text, path):
    """The JSON object in daemon.json; an empty file counts as ``{}`` (dockerd reads it so)."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigFileError('%s is not valid JSON (dockerd accepts no comments either): %s' % (path, exc))
    if not isinstance(data, dict):
        raise ConfigFileError('%s holds a JSON %s, not an object' % (path, type(data).__name__))
    return data


def render_file(data):
    """daemon.json text: two-space indents and the keys in the file's own order, then the new ones."""
    return json.dumps(data, indent=2) + '\n'


# ---- canonical values: the same setting written two ways compares equal ---------------------

def _canonical(key, value):
    if value is None:
        return None
    try:
        if key.option in ('bip', 'bip6'):
            return str(ipaddress.ip_interface(u'%s' % value))
        if key.option in ('fixed_cidr', 'fixed_cidr_v6'):
            return str(ipaddress.ip_network(u'%s' % value, strict=False))
        if key.option in ('default_gateway', 'default_gateway_v6'):
            return str(ipaddress.ip_address(u'%s' % value))
        if key.option == 'dns':
            return [str(ipaddress.ip_address(u'%s' % item)) for item in value]
    except (ValueError, TypeError):
        return value  # validation names it
    if key.option == 'default_address_pools':
        return [dict(base=_canonical_net(pool.get('base')), size=pool.get('size')) for pool in value
                if isinstance(pool, dict)]
    if key.option == 'default_network_opts':
        return dict((driver, dict((name, u'%s' % text) for name, text in (options or {}).items()))
                    for driver, options in value.items())
    return value


def _canonical_net(value):
    try:
        return str(ipaddress.ip_network(u'%s' % value, strict=False))
    except ValueError:
        return value


def desired_from_params(config):
    """{json key: value} of the keys the user gave (None means not given), as written to the file.

    Values stay as given so that validation sees them (host bits, a missing prefix length);
    candidate_file compares them in canonical form."""
    desired = {}
    for option, value in (config or {}).items():
        if value is None or option not in BY_OPTION:
            continue
        key = BY_OPTION[option]
        if key.option == 'default_address_pools':
            value = [dict(base=pool['base'], size=pool['size']) for pool in value]
        if key.option == 'default_network_opts':
            value = _canonical(key, value)  # dockerd wants the option values as strings
        desired[key.json_key] = value
    return desired


def network_options(data):
    """The network keys of a daemon.json object in the module's option format (``gathered``)."""
    return dict((BY_JSON[name].option, value) for name, value in data.items() if name in BY_JSON)


def candidate_file(current, desired, state):
    """The daemon.json object after the change: ``merged`` keeps every key not given, ``replaced``
    drops the network keys not given. Unchanged values keep their original spelling."""
    candidate = {}
    for name, value in current.items():
        if name in BY_JSON and (state == 'replaced' and name not in desired):
            continue
        candidate[name] = value
    for name, value in desired.items():
        key = BY_JSON[name]
        if name in candidate and _canonical(key, candidate[name]) == _canonical(key, value):
            continue
        candidate[name] = value
    return candidate


def changed_keys(current, candidate):
    """Option names whose value differs between two daemon.json objects."""
    names = set(current) | set(candidate)
    return sorted(BY_JSON[name].option if name in BY_JSON else name
                  for name in names if current.get(name) != candidate.get(name))


# ---- the running daemon's command line --------------------------------------------------------

def parse_dockerd_flags(argv):
    """{flag: value text} of a dockerd command line; ``--flag=value`` and ``--flag value`` alike."""
    flags = {}
    arguments = list(argv[1:])
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        index += 1
        if not argument.startswith('--'):
            continue
        name, has_value, value = argument.partition('=')
        if not has_value and index < len(arguments) and not arguments[index].startswith('-'):
            # A boolean flag takes no separate value; dockerd's booleans use --flag=false.
            if name not in BOOLEAN_FLAGS:
                value = arguments[index]
                index += 1
        flags.setdefault(name, []).append(value)
    return flags


BOOLEAN_FLAGS = set(flag for key in KEYS if key.kind == 'bool' for flag in key.flags)


def config_file_from_flags(flags, default):
    values = flags.get('--config-file')
    return values[-1] if values else default


def flag_text(flag, values):
    return ' '.join('%s=%s' % (flag, value) if value else flag for value in values)


# ---- validation: every problem as (option name, reason) ---------------------------------------

class HostFacts:
    """What validation needs to know about the host; every field is read before any change."""

    def __init__(self, engine_version='', flags=None, networks=None, prefixes=None,
                 docker_interfaces=None, swarm_active=False):
        self.engine_version = engine_version
        self.flags = flags or {}
        self.networks = networks or []              # [(name, [subnet, ...])] of the host's Docker networks
        self.prefixes = prefixes or []              # _host_reads.HostPrefix of the host's interfaces
        self.docker_interfaces = set(docker_interfaces or [])  # bridges of Docker networks (docker0, br-...)
        self.swarm_active = swarm_active


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
    return problems


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
