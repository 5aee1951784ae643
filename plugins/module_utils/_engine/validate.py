# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every reason not to go ahead, found before anything changes.

Private to this collection. ``static_problems`` needs only the ``config`` (also under ``rendered``);
the other checks look at the host as read for the plan. Problems are (network, field, reason) tuples."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _docker_limits, _ipam


def static_problems(spec, configs, state=None):
    """(network name, field, reason) for every problem visible in ``config`` alone.

    ``deleted`` needs only names: the driver's own rules about the other fields are not checked then.
    """
    problems = []
    counts = {}
    for config in configs:
        counts[config['name']] = counts.get(config['name'], 0) + 1
    for name, count in sorted(counts.items()):
        if count > 1:
            problems.append((name, 'name', 'is listed %d times in config' % count))
    mapped = dict((option.docker_key, name) for name, option in spec.options.items())
    for config in configs:
        name = config['name']
        if name in spec.predefined:
            problems.append((name, 'name', '"%s" is a predefined Docker network; it cannot be created, '
                                           'changed or deleted' % name))
        versions = []
        for index, entry in enumerate(config.get('subnets') or []):
            for field, reason in _ipam.subnet_problems(entry):
                problems.append((name, field, reason))
            try:
                versions.append(_ipam.ip_version(entry['subnet']))
            except ValueError:
                pass
        if 6 in versions and config.get('enable_ipv6') is False:
            problems.append((name, 'enable_ipv6', 'is false but an IPv6 subnet is given'))
        if state != 'deleted':
            for field, reason in docker_limit_problems(spec, config, versions):
                problems.append((name, field, reason))
        for field, reason in ([] if state == 'deleted' else spec.item_problems(config)):
            problems.append((name, field, reason))
        for key in sorted(config.get('driver_opts') or {}):
            if key in mapped:
                problems.append((name, 'driver_opts', '%s is set by the option %s; use that instead'
                                 % (key, mapped[key])))
        for option_name, option in sorted(spec.options.items()):
            value = config.get(option_name)
            if value is None:
                continue
            if option.kind == 'bool' and not isinstance(value, bool):
                problems.append((name, option_name, '"%s" is not a boolean' % value))
            if option.kind == 'int' and not isinstance(value, int):
                problems.append((name, option_name, '"%s" is not a whole number' % value))
            if option.kind == 'address':
                try:
                    _ipam.parse_address(value)
                except ValueError as exc:
                    problems.append((name, option_name, str(exc)))
        seen = set()
        for index, container in enumerate(config.get('containers') or []):
            if container['name'] in seen:
                problems.append((name, 'containers[%d].name' % index,
                                 '"%s" is listed more than once' % container['name']))
            seen.add(container['name'])
            for family in ('ipv4_address', 'ipv6_address'):
                address = container.get(family)
                if address is None:
                    continue
                try:
                    _ipam.parse_address(address)
                except ValueError as exc:
                    problems.append((name, 'containers[%d].%s' % (index, family), str(exc)))
            # Lazily: a config without containers does not import (compile) the endpoint rules (issue 16).
            from ansible_collections.fleetnet.docker.plugins.module_utils._engine.endpoint_options import item_problems
            problems.extend((name, field, reason) for field, reason in item_problems(index, container))
    return problems


def engine_problems(spec, configs, engine):
    """Options given that this host's engine (an _engine_versions.HostEngine) does not have.

    A value that is Docker's default needs nothing: it is not sent, and it is what an older engine
    does anyway, so one config serves a fleet whose hosts run different engines.
    """
    defaults = dict((name, option.default) for name, option in spec.options.items())
    defaults.update((name, field.default) for name, field in spec.top_level.items())
    problems = []
    for config in configs:
        for name, default in sorted(defaults.items()):
            value = config.get(name)
            if value is None or value == default:
                continue
            reason = engine.option_problem(name, value)
            if reason:
                problems.append((config['name'], name, reason))
    return problems


def docker_limit_problems(spec, config, versions):
    """What Docker or the kernel would refuse only once the batch is half applied (_docker_limits)."""
    problems = []
    for entry in config.get('subnets') or []:
        problems.extend(_docker_limits.subnet_entry_problems(entry))
    if 'mtu' in spec.options:
        problems.extend(_docker_limits.mtu_problems(config.get('mtu'), ipv6=6 in versions or bool(config.get('enable_ipv6'))))
    if 'bridge_name' in spec.options:
        problems.extend(_docker_limits.interface_name_problems('bridge_name', config.get('bridge_name')))
    if 'parent' in spec.options:
        problems.extend(_docker_limits.vlan_problems('parent', config.get('parent')))
    if 'vxlan_ids' in spec.options:
        problems.extend(_docker_limits.vxlan_problems(config.get('vxlan_ids'), config.get('subnets')))
    if config.get('subnets') and config.get('containers'):
        problems.extend(_docker_limits.container_address_problems(config['subnets'], config['containers']))
    return problems


def restore_problems(endpoints, target_subnets):
    """Why recreating a network would lose something of these endpoints (list of (field, reason))."""
    problems = []
    # A service shows up once for the network and once per local task container: name it once.
    services = sorted(set(endpoint['service'] for endpoint in endpoints if endpoint.get('service')))
    if services:
        problems.append(('services', '%s would be cut off by recreating the network; remove or update them first'
                         % ', '.join(services)))
    for endpoint in endpoints:
        for family in ('ipv4_address', 'ipv6_address'):
            address = endpoint.get(family)
            if not address:
                continue
            if not target_subnets:
                problems.append(('subnets', 'are not given, so the static address %s of container "%s" cannot be '
                                            'kept' % (address, endpoint['name'])))
            elif not _ipam.fits_subnets(address, [entry['subnet'] for entry in target_subnets]):
                problems.append(('subnets', '%s would not hold the static address %s of container "%s"'
                                 % (', '.join(entry['subnet'] for entry in target_subnets), address, endpoint['name'])))
    return problems


def delete_problems(name, endpoints):
    """Why a network with these endpoints cannot be deleted."""
    problems = []
    services = sorted(set(endpoint['service'] for endpoint in endpoints if endpoint.get('service')))
    if services:
        problems.append((name, 'services', '%s still use it, so it cannot be deleted; remove the '
                         'services or take the network out of them first' % ', '.join(services)))
    containers = [endpoint for endpoint in endpoints if not endpoint.get('service')]
    if containers:
        # A stopped container keeps the network in its settings and would no longer start without it.
        problems.append((name, 'containers', '%s are still attached, so the network cannot be deleted; disconnect them '
                         'first (a stopped container whose network is gone no longer starts)'
                         % ', '.join('%s (%s)' % (endpoint['name'], 'running' if endpoint.get('running') else 'stopped')
                                     for endpoint in containers)))
    return problems


def missing_container_problems(desired, container_names):
    """Containers listed in ``containers`` that do not exist on the host."""
    problems = []
    for index, container in enumerate(desired.get('containers') or []):
        if container['name'] not in container_names:
            problems.append((desired['name'], 'containers[%d].name' % index,
                             'no container named "%s" exists on this host' % container['name']))
    return problems


def container_address_problems(item, desired=None):
    """Static addresses of containers to (re)connect that fall outside the subnets of a plan item's target,
    or that Docker refuses there (the gateway it chose, an aux address, twice) when the config gives no subnets."""
    problems = []
    target_subnets = (item.target or {}).get('subnets') or []
    if desired is not None and desired.get('subnets') is None and desired.get('containers'):
        for field, reason in _docker_limits.container_address_problems(target_subnets, desired['containers']):
            problems.append((item.name, field, reason))
    subnets = [entry['subnet'] for entry in target_subnets]
    for endpoint in item.connect + item.reconnect:
        for family in ('ipv4_address', 'ipv6_address'):
            address = endpoint.get(family)
            if address and not _ipam.fits_subnets(address, subnets):
                problems.append((item.name, 'containers.%s' % family,
                                 '%s of container "%s" is outside the subnets %s' % (
                                     address, endpoint['name'], ', '.join(subnets) or '(none given)')))
    return problems
