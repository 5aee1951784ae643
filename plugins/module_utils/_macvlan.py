# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What macvlan and ipvlan networks need beyond the shared engine.

Private to this collection. Both drivers put containers straight onto a host interface (the parent),
so both need that parent to exist on the host, both refuse a second network on a parent Docker already
uses, and both take part in Docker's swarm-scoped pattern: a config-only network (driver ``null``) with
the parent, subnet and per-node ip_range on every node, and one swarm network made from it.

The rules below mirror what Docker 20.10 refuses, so a run fails in validation instead of half way:

- libnetwork's macvlan and ipvlan drivers allow one network per parent interface, whatever the mode
  and also for internal networks ("network dm-... is already using parent interface eth0"); a
  config-only network does not reach the driver, so any number of them share a parent and a subnet.
- a config-only network carries only network-specific fields: no internal, attachable or swarm scope.
- a network made from a config-only one (config_from) takes everything from it: no parent, mode,
  subnets, driver options, labels or IPv6 of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import ip_json, throwaway_namespace_problem
from ansible_collections.fleetnet.docker.plugins.module_utils._network_engine import (
    DriverOption, DriverSpec, TopLevelField)

MACVLAN_MODES = ('bridge', 'vepa', 'private', 'passthru')
IPVLAN_MODES = ('l2', 'l3', 'l3s')
IPVLAN_FLAGS = ('bridge', 'private', 'vepa')

# The fields a network made with config_from may not set, because Docker takes them from the
# config-only network (and refuses the create when they are given).
INHERITED_FIELDS = ('parent', 'mode', 'flag', 'subnets', 'driver_opts', 'labels', 'enable_ipv6')
OPERATOR_FIELDS = ('internal', 'attachable')

SWARM_TOP_LEVEL = dict(
    config_only=TopLevelField('ConfigOnly'),
    config_from=TopLevelField('ConfigFrom', default=None, kind='network_ref'),
    scope=TopLevelField('Scope', default='local', kind='str'),
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


# ---------------------------------------------------------------- kernel support

IPVLAN_PROBE = ('ip link add fleetnet-probe0 type veth peer name fleetnet-probe1 && '
                'ip link add fleetnet-probe2 link fleetnet-probe0 type ipvlan mode l2')


def ipvlan_problem(module):
    """Why this host's kernel cannot make ipvlan links, or None when it can (or cannot tell).

    Docker itself only makes the ipvlan link when a container joins, so a kernel without ipvlan
    would show up late, as a container that does not start. The probe makes a throwaway veth pair
    and an ipvlan link on it inside a new, empty network namespace that vanishes with the command:
    the kernel's link types are the same there, and nothing of the host is touched.
    """
    shell = module.get_bin_path('sh')
    if not shell or not module.get_bin_path('ip'):
        return None
    return throwaway_namespace_problem(module, [shell, '-c', IPVLAN_PROBE])


# ---------------------------------------------------------------- driver rules

def is_config_only(network):
    return bool(network.get('ConfigOnly'))


def claims(driver, mode_key):
    """``manages`` for a driver: its own networks, and the config-only networks that configure it.

    A config-only network has the driver ``null`` whatever it is for; one with an ipvlan mode is an
    ipvlan configuration, any other one with a parent a macvlan configuration.
    """
    def manages(network):
        if network.get('Driver') == driver:
            return True
        if not is_config_only(network):
            return False
        options = network.get('Options') or {}
        if driver == 'ipvlan':
            return mode_key in options
        return 'ipvlan_mode' not in options and 'parent' in options
    return manages


def item_problems_for(driver):
    """``item_problems`` of a driver spec: what Docker refuses in one network alone."""
    def problems(config):
        found = _common_item_problems(config, driver)
        if driver == 'ipvlan' and config.get('config_only') and not config.get('mode'):
            # The mode is what tells an ipvlan configuration from a macvlan one on the host.
            found.append(('mode', 'is required on an ipvlan config-only network'))
        return found
    return problems


def _common_item_problems(config, driver):
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
        given = [field for field in INHERITED_FIELDS if config.get(field) not in (None, {}, [])]
        if config.get('enable_ipv6') is False and 'enable_ipv6' in given:
            given.remove('enable_ipv6')
        for field in given:
            problems.append((field, 'cannot be given with config_from: Docker takes it from the config-only network '
                                    '"%s"' % config['config_from']))
    if config.get('scope') == 'swarm' and not config.get('config_from') and not config.get('config_only'):
        problems.append(('scope', 'swarm needs config_from: a swarm-scoped %s network takes its parent and '
                                  'addresses from a config-only network on each node' % driver))
    return problems


def _parent_of(network, by_name):
    """The parent interface a network uses on this host, or None (a config-only network uses none)."""
    if is_config_only(network):
        return None
    options = network.get('Options') or {}
    reference = (network.get('ConfigFrom') or {}).get('Network')
    if reference and reference in by_name:
        options = by_name[reference].get('Options') or {}
    return options.get('parent')


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


def batch_problems_for(driver, read_interfaces_now, kernel_problem=None):
    """``batch_problems`` of a driver spec: missing parents, one network per parent, the kernel.

    ``read_interfaces_now`` returns the host's interface names (read once, only when a parent is
    given); ``kernel_problem`` returns why the kernel cannot make this driver's links, or None.
    """
    def problems(desired_configs, existing_networks):
        found = []
        if kernel_problem is not None and desired_configs:
            reason = kernel_problem()
            if reason:
                for config in desired_configs:
                    found.append((config['name'], 'driver', '%s is not available: the kernel of this host has no %s '
                                                            'links (%s)' % (driver, driver, reason)))
                return found
        by_name = dict((network['Name'], network) for network in existing_networks)
        configs_by_name = dict((config['name'], config) for config in desired_configs)
        parents = [config.get('parent') for config in desired_configs if config.get('parent')]
        interfaces = read_interfaces_now() if parents else []
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
        # Docker's drivers keep one network per parent interface. The networks listed here take the
        # place of those with the same name on the host; every other network of the driver stays.
        users = {}
        for network in existing_networks:
            if network.get('Driver') == driver and network['Name'] not in configs_by_name:
                parent = _parent_of(network, by_name)
                if parent:
                    users.setdefault(parent, []).append('network "%s" (on the host)' % network['Name'])
        for config in desired_configs:
            parent = _desired_parent(config, configs_by_name, by_name)
            if not parent:
                continue
            if config.get('scope') == 'swarm':
                continue  # made on each node from its config-only network, which is counted instead
            for other in users.get(parent, []):
                found.append((config['name'], 'parent', '%s is already used by %s; Docker allows one %s network per '
                                                        'parent interface, whatever its mode: use a VLAN '
                                                        'sub-interface (%s.<id>) for another one'
                              % (parent, other, driver, parent)))
            users.setdefault(parent, []).append('network "%s" (in config)' % config['name'])
        return found
    return problems


def inherited_view(option_defaults):
    """``existing_view``: a network made with config_from shows its config-only network's parent,
    subnets and options as its own (on a node where it is in use); they are not its own settings,
    so they are neither compared nor gathered."""
    def view(config, network):
        if not config.get('config_from'):
            return config
        config = dict(config, subnets=None, driver_opts={}, labels={}, enable_ipv6=False)
        config.update(option_defaults)
        return config
    return view


# ---------------------------------------------------------------- swarm workers

def swarm_worker_guard():
    """``preflight`` and ``protected`` of a driver spec, sharing what preflight learnt about this node.

    A swarm-scoped macvlan or ipvlan network shows up on a worker only while one of the worker's
    containers uses it, and only a manager can remove it. So ``overridden`` on a worker must leave
    it alone instead of planning a deletion that Docker refuses (or that fails on its containers).
    """
    node = dict(worker=False)

    def preflight(client):
        info = client.call('reading the daemon information', client.api.info)
        swarm = info.get('Swarm') or {}
        node['worker'] = swarm.get('LocalNodeState') == 'active' and not swarm.get('ControlAvailable')

    def protected(network):
        if node['worker'] and network.get('Scope') == 'swarm':
            return 'a swarm-scoped network on a swarm worker: only a manager can remove it'
        return None

    return preflight, protected


# ---------------------------------------------------------------- specs

def macvlan_spec(read_interfaces_now):
    preflight, protected = swarm_worker_guard()
    return DriverSpec(
        driver='macvlan',
        options=dict(
            parent=DriverOption('parent'),
            mode=DriverOption('macvlan_mode', default='bridge'),
        ),
        top_level=SWARM_TOP_LEVEL,
        manages=claims('macvlan', 'macvlan_mode'),
        existing_view=inherited_view(dict(parent=None, mode='bridge')),
        item_problems=item_problems_for('macvlan'),
        batch_problems=batch_problems_for('macvlan', read_interfaces_now),
        preflight=preflight,
        protected=protected,
        # A macvlan subnet is the LAN the parent is on: overlapping the host's own address is the point.
        check_host_overlap=False,
    )


def ipvlan_spec(read_interfaces_now, kernel_problem):
    preflight, protected = swarm_worker_guard()
    return DriverSpec(
        driver='ipvlan',
        options=dict(
            parent=DriverOption('parent'),
            # No default here although Docker behaves as l2: a mode that is given is always sent, and
            # only a config-only network with ipvlan_mode can be told from a macvlan configuration.
            mode=DriverOption('ipvlan_mode'),
            flag=DriverOption('ipvlan_flag', default='bridge'),
        ),
        top_level=SWARM_TOP_LEVEL,
        manages=claims('ipvlan', 'ipvlan_mode'),
        existing_view=inherited_view(dict(parent=None, mode=None, flag='bridge')),
        item_problems=item_problems_for('ipvlan'),
        batch_problems=batch_problems_for('ipvlan', read_interfaces_now, kernel_problem),
        preflight=preflight,
        protected=protected,
        check_host_overlap=False,
    )
