# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What macvlan and ipvlan networks share: a parent interface, config-only networks, swarm workers.

Private to this collection. Both drivers put containers straight onto a host interface (the parent),
so both need that parent to exist on the host, both refuse a second network on a parent Docker already
uses, and both take part in Docker's swarm-scoped pattern: a config-only network (driver ``null``) with
the parent, subnet and per-node ip_range on every node, and one swarm network made from it.

The rules below mirror what the host's Docker Engine refuses, so a run fails in validation instead
of half way:

- libnetwork's ipvlan driver, and its macvlan driver before Engine 27.0 (moby#47318), allow one network
  per parent interface, whatever the mode and also for internal networks ("network dm-... is already
  using parent interface eth0"); from 27.0 macvlan networks share a parent (see macvlan.py). A
  config-only network does not reach the driver, so any number of them share a parent and a subnet.
- a config-only network carries only network-specific fields: no internal, attachable or swarm scope.
- a network made from a config-only one (config_from) takes everything from it: no parent, mode,
  subnets, driver options, labels or IPv6 of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, TopLevelField
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import ip_json

# The fields a network made with config_from may not set, because Docker takes them from the
# config-only network (and refuses the create when they are given).
INHERITED_FIELDS = ('parent', 'mode', 'flag', 'subnets', 'driver_opts', 'labels', 'enable_ipv6')
OPERATOR_FIELDS = ('internal', 'attachable')

SWARM_TOP_LEVEL = dict(
    config_only=TopLevelField('ConfigOnly'),
    config_from=TopLevelField('ConfigFrom', default=None, kind='network_ref'),
    scope=TopLevelField('Scope', default='local', kind='str', choices=('local', 'swarm')),
)


# ---------------------------------------------------------------- host links

def interfaces_from_json(links):
    """Interface names from parsed ``ip -j link show`` output."""
    return sorted(link['ifname'] for link in links or [] if link.get('ifname'))


def read_interfaces(module):
    """Names of the host's interfaces, read through iproute2 in the host's own network namespace.

    Not /sys: in a host made of namespaces (the sandbox fleet, containers running Ansible) sysfs can
    show another namespace's links.
    """
    return interfaces_from_json(ip_json(module, 'link', 'show'))


def parent_problem(parent, interfaces):
    """Why ``parent`` cannot carry a network on a host with these interfaces, or None.

    ``eth0.10`` is fine when ``eth0`` exists: Docker creates the VLAN link with the network (and
    removes it with the network).
    """
    if parent in interfaces:
        return None
    base, dot, vlan = parent.partition('.')
    if dot and vlan.isdigit() and base in interfaces:
        return None
    return 'interface %s does not exist on this host; its interfaces are: %s' % (parent, ', '.join(interfaces))


# ---------------------------------------------------------------- the shared driver

def is_config_only(network):
    return bool(network.get('ConfigOnly'))


class ParentDriver(Driver):
    """A driver whose networks stand on a host interface (the parent): macvlan and ipvlan.

    Subclasses set ``driver``, ``options`` and ``mode_key`` (the driver option that names the mode,
    which also tells an ipvlan configuration from a macvlan one) and ``inherited_defaults`` (what a
    network made with config_from shows for the options it takes from its config-only network).
    """

    fields = SWARM_TOP_LEVEL
    mode_key = None
    inherited_defaults = {}
    # The subnet is the LAN the parent is on: overlapping the host's own address is the point.
    check_host_overlap = False

    def __init__(self, module=None):
        super(ParentDriver, self).__init__(module)
        self.on_swarm_worker = False
        self.client = None  # set by preflight: what the host's engine allows depends on its version

    def read_interfaces(self):
        """The host's interface names (only called when a parent is given)."""
        return read_interfaces(self.module)

    def kernel_problem(self):
        """Why this host's kernel cannot make this driver's links, or None."""
        return None

    def manages(self, network):
        """Its own networks, and the config-only networks that configure this driver.

        A config-only network has the driver ``null`` whatever it is for; one with an ipvlan mode is an
        ipvlan configuration, any other one with a parent a macvlan configuration.
        """
        if network.get('Driver') == self.driver:
            return True
        if not is_config_only(network):
            return False
        options = network.get('Options') or {}
        if self.driver == 'ipvlan':
            return self.mode_key in options
        return 'ipvlan_mode' not in options and 'parent' in options

    def existing_view(self, config, network):
        """A network made with config_from shows its config-only network's parent, subnets and options as its
        own (on a node where it is in use); they are not its own settings: neither compared nor gathered."""
        if not config.get('config_from'):
            return config
        config = dict(config, subnets=None, driver_opts={}, labels={}, enable_ipv6=False)
        config.update(self.inherited_defaults)
        return config

    def item_problems(self, config):
        """What Docker refuses in one network alone."""
        return _common_item_problems(config, self.driver, self.inherited_defaults)

    def preflight(self, client):
        """Learns whether this node is a swarm worker, for ``protected``; never refuses the host.

        A swarm-scoped macvlan or ipvlan network shows up on a worker only while one of the worker's
        containers uses it, and only a manager can remove it. So ``overridden`` on a worker must leave
        it alone instead of planning a deletion that Docker refuses (or that fails on its containers).
        """
        self.client = client
        swarm = client.info().get('Swarm') or {}
        self.on_swarm_worker = swarm.get('LocalNodeState') == 'active' and not swarm.get('ControlAvailable')
        return None

    def protected(self, network):
        if self.on_swarm_worker and network.get('Scope') == 'swarm':
            return 'a swarm-scoped network on a swarm worker: only a manager can remove it'
        return None

    def shared_parent_problem(self, parent, other, mode, other_mode):  # pylint: disable=unused-argument
        """Why a network in `mode` cannot share `parent` with `other` (in `other_mode`), or None."""
        return ('%s is already used by %s; Docker allows one %s network per parent interface, whatever its mode: '
                'use a VLAN sub-interface (%s.<id>) for another one' % (parent, other, self.driver, parent))

    def batch_problems(self, desired_configs, existing_networks):
        """Missing parents, networks sharing a parent, a kernel without this driver's links."""
        driver = self.driver
        found = []
        if desired_configs:
            reason = self.kernel_problem()
            if reason:
                for config in desired_configs:
                    found.append((config['name'], 'driver', '%s is not available: the kernel of this host has no %s '
                                                            'links (%s)' % (driver, driver, reason)))
                return found
        by_name = dict((network['Name'], network) for network in existing_networks)
        configs_by_name = dict((config['name'], config) for config in desired_configs)
        parents = [config.get('parent') for config in desired_configs if config.get('parent')]
        interfaces = self.read_interfaces() if parents else []
        for config in desired_configs:
            parent = config.get('parent')
            if parent and not config.get('config_from'):
                reason = parent_problem(parent, interfaces)
                if reason:
                    found.append((config['name'], 'parent', reason))
            reference = config.get('config_from')
            if reference and reference not in configs_by_name and not is_config_only(by_name.get(reference) or {}):
                found.append((config['name'], 'config_from', 'no config-only network "%s" exists on this host or is '
                                                             'listed in config' % reference))
        # Which networks may share a parent depends on the driver and the engine (shared_parent_problem).
        # The networks listed here take the place of those with the same name on the host; every
        # other network of the driver stays.
        users = {}
        for network in existing_networks:
            if network.get('Driver') == driver and network['Name'] not in configs_by_name:
                parent = _parent_of(network, by_name)
                if parent:
                    mode = _driver_options_of(network, by_name).get(self.mode_key)
                    users.setdefault(parent, []).append(('network "%s" (on the host)' % network['Name'], mode))
        for config in desired_configs:
            parent = _desired_parent(config, configs_by_name, by_name)
            if not parent:
                continue
            if config.get('scope') == 'swarm':
                continue  # made on each node from its config-only network, which is counted instead
            mode = _desired_mode(config, configs_by_name, by_name, self.mode_key)
            for other, other_mode in users.get(parent, []):
                reason = self.shared_parent_problem(parent, other, mode, other_mode)
                if reason:
                    found.append((config['name'], 'parent', reason))
            users.setdefault(parent, []).append(('network "%s" (in config)' % config['name'], mode))
        return found


def _common_item_problems(config, driver, inherited_defaults):
    problems = []
    if config.get('scope') not in (None, 'local', 'swarm'):
        problems.append(('scope', 'must be local or swarm, not "%s"' % config['scope']))
    if config.get('config_only'):
        for field in OPERATOR_FIELDS:
            if config.get(field):
                problems.append((field, 'cannot be set on a config-only network (Docker takes only parent, mode, '
                                        'subnets and driver options from one); set it on the network made from it'))
        if config.get('scope') == 'swarm':
            problems.append(('scope', 'a config-only network is local to its node; the network made from it with '
                                      'config_from is the swarm one'))
        if config.get('config_from'):
            problems.append(('config_from', 'a config-only network cannot itself be made from another one'))
        if not config.get('parent'):
            problems.append(('parent', 'is required on a config-only network: it is what the network made '
                                       'from it stands on'))
    if config.get('config_from'):
        # What `gathered` shows for such a network (existing_view: enable_ipv6 false, the driver's
        # inherited_defaults) is what it has, not a setting of its own: taken back, not refused.
        shown = dict(inherited_defaults, enable_ipv6=False)
        given = [field for field in INHERITED_FIELDS
                 if config.get(field) not in (None, {}, []) and config.get(field) != shown.get(field)]
        for field in given:
            problems.append((field, 'cannot be given with config_from: Docker takes it from the config-only network '
                                    '"%s"' % config['config_from']))
    if config.get('scope') == 'swarm' and not config.get('config_from') and not config.get('config_only'):
        problems.append(('scope', 'swarm needs config_from: a swarm-scoped %s network takes its parent and '
                                  'addresses from a config-only network on each node' % driver))
    return problems


def _driver_options_of(network, by_name):
    """The driver options a network uses on this host (its config-only network's, for one made from it)."""
    options = network.get('Options') or {}
    reference = (network.get('ConfigFrom') or {}).get('Network')
    if reference and reference in by_name:
        options = by_name[reference].get('Options') or {}
    return options


def _parent_of(network, by_name):
    """The parent interface a network uses on this host, or None (a config-only network uses none)."""
    if is_config_only(network):
        return None
    return _driver_options_of(network, by_name).get('parent')


def _desired_mode(config, configs_by_name, by_name, mode_key):
    reference = config.get('config_from')
    if reference in configs_by_name:
        return configs_by_name[reference].get('mode')
    if reference:
        return _driver_options_of(by_name.get(reference) or {}, by_name).get(mode_key)
    return config.get('mode')


def _desired_parent(config, configs_by_name, by_name):
    if config.get('config_only'):
        return None
    reference = config.get('config_from')
    if reference:
        if reference in configs_by_name:
            return configs_by_name[reference].get('parent')
        existing = by_name.get(reference)
        return ((existing or {}).get('Options') or {}).get('parent')
    return config.get('parent')
