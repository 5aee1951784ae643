# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoint options of a ``containers`` entry beyond addresses and aliases.

Private to this collection. ``mac_address``, ``gw_priority``, ``interface_name`` and the endpoint's
``driver_opts``: the Docker Engine release each needs, how each is read back from container inspect
(``NetworkSettings.Networks.<network>``, what ``docker container inspect`` shows), compared, and
checked. Docker cannot change an endpoint in place: a change of any of them is a disconnect and a
connect of that container (attachments.py), and a recreate sends them back like addresses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.fleetnet.docker.plugins.module_utils._docker_limits import interface_name_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import RULES

# Docker 28.0 (Engine API 1.48) names a container's interface on connect from this endpoint driver option.
INTERFACE_OPTION = 'com.docker.network.endpoint.ifname'
# Docker 27.0 (moby#47686) applies per-interface sysctls given in this endpoint driver option
# ("net.ipv4.conf.IFNAME.log_martians=1,..."); earlier engines keep the option and ignore it.
SYSCTLS_OPTION = 'com.docker.network.endpoint.sysctls'
# An endpoint driver option the collection sets on a reconnect that had to request a dynamic
# address to keep it: Docker then stores it like a static one, this says which families it chose.
DYNAMIC_MARK = 'fleetnet.docker.dynamic_address'

# The first Docker Engine release that honours each option, from the one table of rules. An engine
# before it takes the request and silently ignores the field, so the option is refused there before
# anything changes.
RELEASES = dict((field, RULES['containers[].%s' % field]) for field in
                ('mac_address', 'gw_priority', 'interface_name', 'mac_address applied on connect'))
DRIVER_OPT_RELEASES = dict((key, RULES['containers[].driver_opts: %s' % key]) for key in (SYSCTLS_OPTION,))
# Endpoint driver options that must not be given under driver_opts, and why.
RESERVED_DRIVER_OPTS = {
    INTERFACE_OPTION: 'is set with interface_name',
    DYNAMIC_MARK: 'is set by fleetnet.docker itself (dynamic addresses kept through a recreate)',
}
FIELDS = ('mac_address', 'gw_priority', 'interface_name', 'driver_opts')

MAC_PATTERN = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
# What the kernel refuses in a link name besides its length (_docker_limits checks that): "/",
# whitespace, ":" (dev_valid_name), and the names "." and "..".
INTERFACE_BAD_CHARACTERS = re.compile(r'[/\s:]')


def canonical_mac(value):
    return None if value is None else str(value).strip().lower()


def desired_options(container):
    """The four options of one ``containers`` entry of the module, None where not given."""
    driver_opts = container.get('driver_opts')
    return dict(
        mac_address=canonical_mac(container.get('mac_address')),
        gw_priority=container.get('gw_priority'),
        interface_name=container.get('interface_name'),
        driver_opts=None if driver_opts is None else dict((str(key), _option_text(value))
                                                          for key, value in driver_opts.items()),
    )


def _option_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def current_options(settings):
    """The four options of an attachment as container inspect reports it (one NetworkSettings.Networks entry).

    ``driver_opts`` is what is left of the endpoint's DriverOpts once the interface name and the
    collection's own mark are taken out. ``gw_priority`` is 0 (Docker's default) where the engine has
    no such field.
    """
    driver_opts = dict(settings.get('DriverOpts') or {})
    interface_name = driver_opts.pop(INTERFACE_OPTION, None) or None
    driver_opts.pop(DYNAMIC_MARK, None)
    return dict(
        mac_address=canonical_mac(settings.get('MacAddress') or None),
        gw_priority=int(settings.get('GwPriority') or 0),
        interface_name=interface_name,
        driver_opts=driver_opts,
    )


def wanted_options(desired, current, exact, mac_on_connect=False):
    """(options to connect with, [(field, now, wanted)]) for a container attached now as ``current``.

    ``current`` is an endpoint dict (attachments.endpoint_from_container); its ``interface`` is the
    name the kernel gave the interface, which counts as the current one when no name was ever asked
    for. driver_opts are merged into what the endpoint has, or taken as given when ``exact``.
    """
    wanted = dict((field, current.get(field)) for field in FIELDS)
    changes = []
    # mac_address is a reason to reconnect only where Docker applies it on connect (29.3, API 1.54);
    # before, it drops it, and mac_address is a check (mac_problems).
    fields = ('mac_address', 'gw_priority', 'interface_name', 'driver_opts') if mac_on_connect else \
        ('gw_priority', 'interface_name', 'driver_opts')
    for field in fields:
        value = desired.get(field)
        if value is None:
            continue
        now = current.get(field)
        if field == 'interface_name':
            now = now or current.get('interface')
        elif field == 'driver_opts':
            now = dict(now or {})
            if not exact:
                value = dict(now, **value)
        elif field == 'gw_priority':
            now = now or 0
        elif field == 'mac_address':
            value, now = canonical_mac(value), canonical_mac(now)
        if value != now:
            changes.append((field, now, value))
        wanted[field] = value
    return wanted, changes


def item_problems(index, container):
    """Problems of one ``containers`` entry visible without a daemon, as (field, reason)."""
    problems = []
    where = 'containers[%d]' % index
    mac = canonical_mac(container.get('mac_address'))
    if mac is not None and not MAC_PATTERN.match(mac):
        problems.append(('%s.mac_address' % where, '%r is not a MAC address (six hexadecimal pairs separated by ":")'
                         % container.get('mac_address')))
    elif mac is not None and int(mac[:2], 16) & 1:
        problems.append(('%s.mac_address' % where, '%s is a multicast address; an interface needs a unicast one'
                         ' (the first byte even)' % mac))
    name = container.get('interface_name')
    if name is not None:
        field = '%s.interface_name' % where
        if name in ('', '.', '..') or INTERFACE_BAD_CHARACTERS.search(name):
            problems.append((field, '"%s" is not a Linux interface name (no "/", ":" or whitespace; not empty, '
                             '"." or "..")' % name))
        problems.extend(interface_name_problems(field, name))
    for key in sorted(container.get('driver_opts') or {}):
        if key in RESERVED_DRIVER_OPTS:
            problems.append(('%s.driver_opts' % where, 'key %s %s' % (key, RESERVED_DRIVER_OPTS[key])))
    return problems


def version_problems(engine_problem, network, containers):
    """(network, field, reason) for options the host's engine cannot honour; ``engine_problem`` is the client's."""
    problems = []
    for index, container in enumerate(containers or []):
        # gw_priority 0 is what every engine does without one: a fleet of mixed engines may say it everywhere.
        needs = [(field, RELEASES[field]) for field in ('mac_address', 'gw_priority', 'interface_name')
                 if container.get(field) not in (None, 0)]
        needs += [('driver_opts.%s' % key, DRIVER_OPT_RELEASES[key]) for key in sorted(container.get('driver_opts') or {})
                  if key in DRIVER_OPT_RELEASES]
        for field, release in needs:
            reason = engine_problem(field, release)
            if reason:
                # engine_problem writes "<field> needs Docker Engine ...": the field leads the problem, with its entry.
                problems.append((network, 'containers[%d].%s' % (index, field), reason[len(field):].lstrip()))
    return problems


def mac_problems(network, desired_containers, endpoints, engine_version):
    """(network, field, reason) for mac_address entries that the container does not have already.

    Docker takes a MAC address in the endpoint settings of POST /networks/{id}/connect from API 1.44,
    but Docker 26.1 and 28.5 do not apply it there (seen on the fleet: the container gets the MAC
    address it would get without it, 26.1 derives it from the IP address, 28.5 picks a random one, a
    stopped container at its next start); Docker applies the one given when the container is created. So
    mac_address is a check: a container attached with that MAC address passes, any other is refused
    before anything changes, saying how to set it.
    """
    problems = []
    by_name = dict((endpoint['name'], endpoint) for endpoint in endpoints)
    for index, container in enumerate(desired_containers or []):
        wanted = container.get('mac_address')
        if wanted is None:
            continue
        endpoint = by_name.get(container['name'])
        now = endpoint.get('mac_address') if endpoint else None
        if now == wanted:
            continue
        has = 'has %s there' % now if endpoint else 'is not attached yet'
        problems.append((network, 'containers[%d].mac_address' % index,
                         '%s: container "%s" %s, and Docker Engine %s does not apply a MAC address on connect; set it '
                         'when the container is created (docker run --network name=%s,mac-address=%s)'
                         % (wanted, container['name'], has, engine_version, network, wanted)))
    return problems
