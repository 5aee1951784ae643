# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparing a desired network with an existing one, per state, and what it becomes.

Private to this collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import complete_config, subnet_sort_key, with_docker_defaults


def carry_docker_choices(subnets, existing_subnets, ipv4=True):
    """Desired subnets with what Docker chose for the existing network where the config leaves it open.

    A gateway not given is the one the network has: Docker picked it, and a new network would get the
    first address of an ip_range instead, which a container may hold. A list without IPv4 subnets
    keeps the IPv4 pool Docker added by itself (Engine 20.10 always adds one), unless the network is
    to have no IPv4 (``ipv4`` false: enable_ipv4 false).
    """
    if subnets is None or not existing_subnets:
        return subnets
    by_subnet = dict((entry['subnet'], entry) for entry in existing_subnets)
    carried = []
    for entry in subnets:
        entry = dict(entry)
        old = by_subnet.get(entry['subnet'])
        if not entry.get('gateway') and old is not None and old.get('gateway'):
            entry['gateway'] = old['gateway']
        carried.append(entry)
    if ipv4 and not any(subnet_sort_key(entry)[0] == 4 for entry in subnets):
        carried.extend(dict(entry) for entry in existing_subnets if subnet_sort_key(entry)[0] == 4)
    return carried


def _ipv4(desired):
    """Whether the network is to have IPv4 (only enable_ipv4 false, a bridge field, says it is not)."""
    return desired.get('enable_ipv4') is not False


def differences(spec, desired, existing, state):
    """Field names in which an existing network differs from the desired one.

    ``merged`` compares only what is given, and labels/driver_opts only by the keys given.
    ``replaced``/``overridden`` compare every field; not given means Docker's default, except
    ``subnets``: when not given, whatever pool Docker allocated is accepted.
    """
    exact = state in ('replaced', 'overridden')
    found = []
    # An existing network's subnets are None only where its engine does not show them (a config-only
    # network on Engine 29, config.config_only_subnets): not known, so not compared.
    if desired['subnets'] is not None and existing['subnets'] is not None:
        wanted = sorted((with_docker_defaults(entry) for entry in
                         carry_docker_choices(desired['subnets'], existing['subnets'], _ipv4(desired))),
                        key=subnet_sort_key)
        if wanted != existing['subnets']:
            found.append('subnets')
    for key, field in spec.top_level.items():
        value = desired[key]
        if value is None and exact:
            value = field.default
        if value is not None and value != existing[key]:
            found.append(key)
    for name, option in sorted(spec.options.items()):
        value = desired[name]
        if value is None and option.allocated_by_docker:
            continue
        if value is None and exact:
            value = option.default
        if (value is not None or exact) and value != existing[name]:
            found.append(name)
    for key in ('labels', 'driver_opts'):
        wanted = desired[key]
        have = existing[key]
        if wanted is None and exact:
            wanted = {}
        if wanted is None:
            continue
        if exact and wanted != have:
            found.append(key)
        elif not exact and any(have.get(name) != value for name, value in wanted.items()):
            found.append(key)
    return found


def target_config(spec, desired, existing, state):
    """What the network becomes: under ``merged`` the existing one with the given fields laid over."""
    if existing is not None and desired.get('subnets') is not None:
        desired = dict(desired, subnets=carry_docker_choices(desired['subnets'], existing['subnets'], _ipv4(desired)))
    if existing is None or state in ('replaced', 'overridden'):
        return complete_config(spec, desired)
    target = dict(existing)
    for key, value in desired.items():
        if value is None:
            continue
        if key in ('labels', 'driver_opts'):
            combined = dict(existing.get(key) or {})
            combined.update(value)
            target[key] = combined
        else:
            target[key] = value
    return target
