# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network keys of Docker's daemon.json: what each one is, how to read and merge them.

Their checks (before a change and after the restart) are in ``_daemon_config_checks``.

Private to this collection and free of Docker calls and host reads, so every rule is unit-testable.
The module's options use snake_case (``fixed_cidr``); the file uses dockerd's names (``fixed-cidr``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json

from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import RULES


class DaemonKey:
    """One network setting of dockerd: its option name, daemon.json key, flags and first engine."""

    def __init__(self, option, kind, flags=None, elements=None):
        self.option = option
        self.json_key = option.replace('_', '-')
        self.kind = kind            # argspec type: str, int, bool, list, dict
        self.elements = elements
        # The first engine release that knows the key (_engine_versions.RULES); None: every supported one.
        self.since = RULES.get('daemon.json %s' % self.json_key)
        # dockerd flags that set the same thing; Docker refuses to start when a key is in both places.
        self.flags = flags or ['--' + self.json_key]


# The first engine release of each key is in _engine_versions.RULES, with where it comes from.
KEYS = [
    DaemonKey('bip', 'str'),
    DaemonKey('bip6', 'str'),
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
    DaemonKey('default_network_opts', 'dict', flags=['--default-network-opt']),
    DaemonKey('allow_direct_routing', 'bool'),
    DaemonKey('firewall_backend', 'str'),
    DaemonKey('live_restore', 'bool'),
]
BY_OPTION = dict((key.option, key) for key in KEYS)
BY_JSON = dict((key.json_key, key) for key in KEYS)
# Settings of the default bridge (docker0), which dockerd keeps while live-restored containers use it.
DEFAULT_BRIDGE_KEYS = ['bip', 'bip6', 'fixed_cidr', 'fixed_cidr_v6', 'mtu', 'icc', 'ip_masq', 'ipv6',
                       'default_gateway', 'default_gateway_v6']
FIREWALL_BACKENDS = ['iptables', 'nftables']
# dockerd --validate checks a configuration file without starting a daemon.
VALIDATE_SINCE = RULES['dockerd --validate']


class ConfigFileError(Exception):
    """daemon.json cannot be read as a JSON object."""


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
