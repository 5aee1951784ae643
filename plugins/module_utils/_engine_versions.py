# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Docker Engine each option needs, and what a host's engine is: the version rules in one place.

Private to this collection. A rule (RULES) is written as the Engine release that brought the feature
(read in moby's source at each release tag), tested as that release's API version (ENGINE_API_VERSIONS),
and both are named in the error with the host's own versions, e.g.
``gateway_mode_ipv4 needs Docker Engine 27.0 (API 1.46) or later; this host runs 20.10.24 (API 1.41)``.
Every version the collection compares (engine, API, SDK) is read by ``version_tuple``.

docs/engine_versions.md and docs/daemon_network.md list the same rules for users; a unit test keeps
them in step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# The Engine API version each Docker Engine release brought (moby's api/docs/CHANGELOG.md). The
# releases before 20.10 are there for the swarm options, which every supported engine has.
ENGINE_API_VERSIONS = {
    '17.06': '1.30', '18.09': '1.39', '19.03': '1.40', '20.10': '1.41', '23.0': '1.42', '24.0': '1.43', '25.0': '1.44', '26.0': '1.45', '27.0': '1.46',
    '27.2': '1.47', '28.0': '1.48', '28.1': '1.49', '28.2': '1.50', '28.3': '1.51', '29.0': '1.52', '29.3': '1.54',
}

# Every rule that depends on the engine: what needs it -> the release that brought it. A name of a
# ``config`` option stands for that option, ``option: value`` for a value that came after the option.
# An option missing here works on every engine the collection supports (20.10 and later). Checked in
# moby's source at the tags, or its release notes and pull requests where the source does not say:
RULES = {
    # bridge_networks. libnetwork/drivers/bridge: com.docker.network.bridge.gateway_mode_ipv4/ipv6,
    # first in v27.0, with "nat" and "routed"; "nat-unprotected" and "isolated" came in v28.0 (newGwMode).
    'gateway_mode_ipv4': '27.0',
    'gateway_mode_ipv6': '27.0',
    'gateway_mode_ipv4: nat-unprotected': '28.0',
    'gateway_mode_ipv4: isolated': '28.0',
    'gateway_mode_ipv6: nat-unprotected': '28.0',
    'gateway_mode_ipv6: isolated': '28.0',
    # POST /networks/create's EnableIPv4 (API 1.48; the router drops it from older requests): false
    # makes an IPv6-only network.
    'enable_ipv4': '28.0',
    # com.docker.network.bridge.trusted_host_interfaces, first in v28.2's bridge labels.
    'trusted_host_interfaces': '28.2',
    # com.docker.network.host_ipv6, first in v25.0 (host_ipv4, then "HostIP", is in 20.10 already).
    'host_ipv6': '25.0',
    # The endpoint options of every *_networks module's containers entries (endpoint_options.py). An
    # engine before each takes the request and silently ignores the field.
    'containers[].mac_address': '25.0',     # API 1.44: MacAddress in EndpointSettings on connect
    # ...which POST /networks/{id}/connect applies only from API 1.54 (29.3; moby's api/docs/CHANGELOG.md,
    # daemon/server/router/network: an older request's MacAddress is dropped): before it a check only.
    'containers[].mac_address applied on connect': '29.3',
    'containers[].gw_priority': '28.0',     # API 1.48: GwPriority, the highest gives the default route
    'containers[].interface_name': '28.0',  # API 1.48: the com.docker.network.endpoint.ifname driver option
    # moby#47686: per-interface sysctls in this endpoint driver option; earlier engines keep and ignore it.
    'containers[].driver_opts: com.docker.network.endpoint.sysctls': '27.0',
    # macvlan networks share a parent interface (not beside a passthru one) from v27.0 (moby#47318).
    'macvlan networks on one parent': '27.0',
    # daemon_network: daemon.json keys, by their name in the file: bip6 (28.0, docker/cli#5597),
    # default-network-opts (24.0, moby#43197), allow-direct-routing (28.2, moby#49832), firewall-backend
    # (29.0, moby#50357); and dockerd --validate, which checks a file without starting a daemon (23.0).
    'daemon.json bip6': '28.0',
    'daemon.json default-network-opts': '24.0',
    'daemon.json allow-direct-routing': '28.2',
    'daemon.json firewall-backend': '29.0',
    'dockerd --validate': '23.0',
    # swarm: options of a new swarm (POST /swarm/init), by the API version that brought them.
    'swarm data_path_addr': '17.06',
    'swarm default_addr_pool': '18.09',
    'swarm subnet_size': '18.09',
    'swarm data_path_port': '19.03',
}


def version_tuple(version):
    """(20, 10, 24) for "20.10.24+dfsg1", (1, 41) for "1.41", (5, 0, 0) for "5.0.0b1"; () for no number.

    Numbers compare as numbers ("1.9" < "1.41"). A distribution's build (+dfsg1) and a pre-release
    (-rc.1, b1) are not part of the release: reading stops where the numbers do.
    """
    numbers = []
    for part in re.split(r'[+-]', str(version or ''), maxsplit=1)[0].split('.'):
        match = re.match(r'\d+', part)
        if not match:
            break
        numbers.append(int(match.group()))
        if match.group() != part:
            break
    return tuple(numbers)


def api_at_least(have, needed):
    return version_tuple(have) >= version_tuple(needed)


def engine_at_least(engine_version, release):
    """Whether the engine release ``engine_version`` (GET /version's Version) is ``release`` or later."""
    return version_tuple(engine_version) >= version_tuple(release)


def api_of(rule):
    """The Engine API version that the release of ``rule`` brought."""
    return ENGINE_API_VERSIONS[RULES[rule]]


def release_of(option, value=None):
    """The release ``option`` (with this ``value``) needs, or None when every supported engine has it."""
    if isinstance(value, str) and '%s: %s' % (option, value) in RULES:
        return RULES['%s: %s' % (option, value)]
    return RULES.get(option)


class HostEngine:
    """One host's engine as a run sees it.

    ``api_version`` is what the connection speaks: with api_version ``auto`` the SDK takes the daemon's
    own (from GET /version), so a newer daemon is never spoken to as an older one, and a pinned older
    api_version is what Docker then honours. ``read_version`` (GET /version) is only called when a
    message has to name the engine's release, so a run that needs nothing new makes no extra call.
    """

    def __init__(self, api_version, read_version):
        self.api_version = api_version
        self._read_version = read_version
        self._version = None

    def at_least(self, release):
        """Whether this host's engine, as the connection speaks to it, is Docker Engine ``release`` or later."""
        return api_at_least(self.api_version, ENGINE_API_VERSIONS[release])

    def versions(self):
        """(engine release, API version) from GET /version, read once.

        Distributions add their build to the release ("20.10.24+dfsg1" on Debian): the release is
        what Docker's notes and this collection's rules speak of.
        """
        if self._version is None:
            version = self._read_version() or {}
            release = str(version.get('Version') or 'unknown').split('+', 1)[0]
            self._version = (release, version.get('ApiVersion') or self.api_version)
        return self._version

    def needs(self, release):
        """``needs Docker Engine <release> (API <n>) or later; this host runs ...``, or None when it has it."""
        if self.at_least(release):
            return None
        needed = ENGINE_API_VERSIONS[release]
        version, server_api = self.versions()
        reason = 'needs Docker Engine %s (API %s) or later; this host runs %s (API %s)' % (
            release, needed, version, server_api)
        if api_at_least(server_api, needed):
            reason += ', but the connection uses API %s (api_version)' % self.api_version
        return reason

    def problem(self, what, release):
        """Why ``what`` cannot be used on this host (it needs Docker Engine ``release``), or None."""
        reason = self.needs(release)
        return None if reason is None else '%s %s' % (what, reason)

    def option_problem(self, option, value):
        """Why ``option: value`` cannot be used here, as the reason after the field name, or None.

        When the engine has no such option at all, the reason names the release alone (the shape
        above); when it has the option but not this value, it names the value first.
        """
        option_release = RULES.get(option)
        if option_release and not self.at_least(option_release):
            return self.needs(option_release)
        release = release_of(option, value)
        if release and release != option_release:
            reason = self.needs(release)
            return None if reason is None else '"%s" %s' % (value, reason)
        return None


# Docker 29.0 lists a network's IPAM config only for pools it allocated (moby's daemon/network.go,
# buildIPAMResources), so a config-only network shows none (_engine/config.config_only_subnets).
# How an engine reports, not something a run asks of it: kept beside RULES, not in it.
CONFIG_ONLY_POOLS_HIDDEN_FROM = '29.0'

# dockerd refuses swarm mode under the nftables firewall backend (daemon/config/config_linux.go,
# IsSwarmCompatible: nftables with iptables on) unless daemon.json's "features" has "swarm-nftables",
# which Docker 29.6 brought; before it, nftables and swarm mode do not go together at all.
SWARM_NFTABLES_FEATURE_FROM = '29.6'


# moby#51798: Docker 29.0.0 up to 29.2.0 compute the IPsec key index of encrypted overlay networks
# differently from every release before and after (fixed in 29.2.1), so encrypted traffic between such
# a node and any other is dropped while DNS and the swarm itself look healthy. Not a feature a newer
# engine has, so not in RULES: a range of releases that must not meet the others on one encrypted overlay.
OTHER_IPSEC_KEY_INDEX = ('29.0.0', '29.2.1')  # from, and the first release after it


def ipsec_key_index_side(engine_version):
    """Which way the engine computes an encrypted overlay's IPsec key index: 'moby#51798' or 'usual'."""
    first, after = (version_tuple(release) for release in OTHER_IPSEC_KEY_INDEX)
    return 'moby#51798' if first <= version_tuple(engine_version) < after else 'usual'


def ipsec_mismatch(versions_by_node):
    """Why an encrypted overlay cannot carry traffic between these swarm nodes ({name: engine version}), or None."""
    sides = {}
    for node, version in sorted(versions_by_node.items()):
        sides.setdefault(ipsec_key_index_side(version), []).append((node, version))
    if len(sides) < 2:
        return None
    odd, usual = (['%s (%s)' % pair for pair in sides[side]] for side in ('moby#51798', 'usual'))
    return ('the swarm mixes Docker Engine %s to %s, which computes the IPsec key index of encrypted overlays '
            'differently (moby#51798, fixed in %s), on %s with other releases on %s: encrypted traffic between '
            'them is dropped; upgrade %s to %s or later' % (
                OTHER_IPSEC_KEY_INDEX[0], '29.2.0', OTHER_IPSEC_KEY_INDEX[1], ', '.join(odd), ', '.join(usual),
                ', '.join(node for node, _version in sides['moby#51798']), OTHER_IPSEC_KEY_INDEX[1]))
