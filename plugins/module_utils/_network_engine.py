# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalise -> compare -> plan -> apply for Docker networks of one driver.

Private to this collection. Every ``*_networks`` module runs on this engine (through
``_resource.run_network_module``); a module only describes its driver with a DriverSpec.

The driver-spec interface
=========================

``DriverSpec(driver, options, predefined, owned_interfaces, check_host_overlap, docker_managed_options)``

``driver``
    Docker driver name, e.g. ``'bridge'``, ``'overlay'``, ``'macvlan'``; only networks with this driver
    are gathered, compared or removed by ``overridden``.
``options``
    ``{module option name: DriverOption(docker_key, kind, default)}``: the driver's own per-network
    options and the Engine API driver option (``Options`` map key) each one is stored under.
    ``kind`` is ``'str'``, ``'int'``, ``'bool'`` or ``'address'`` and decides how the value is
    normalised: Docker keeps driver options as the strings it was given, so ``'1'``/``'true'`` and
    ``1400``/``'1400'`` must compare equal. ``default`` is what Docker behaves as when the option is
    absent (``None`` when there is no such fixed value); under ``replaced`` an option that is not
    given is compared against it.
``predefined``
    Names of networks the daemon makes itself (``bridge``, ``host``, ``none``); targeting one is
    a validation error, ``overridden`` never removes one.
``owned_interfaces(network)``
    Host interfaces a network of this driver creates (for bridge: ``br-<id12>`` or its
    ``bridge_name``); their addresses are the network's own and are not counted as host overlaps.
``check_host_overlap``
    Whether a subnet overlapping an address or route of the host's own interfaces is an error
    (true for bridge; a macvlan subnet is the LAN itself, so not there).
``docker_managed_options``
    Driver option keys Docker sets by itself; never compared, never sent.
``top_level``
    ``{option name: TopLevelField(api_key, default, kind)}``: fields of the network itself (not
    driver options) beyond the common ``enable_ipv6``/``internal``/``attachable``, e.g. overlay's
    ``ingress``. ``kind`` is ``'bool'`` (the default), ``'str'`` (e.g. ``Scope``; a value equal to the
    default is not sent, as the CLI does not send it), ``'dict'`` (string map, e.g. IPAM options) or
    ``'network_ref'`` (``ConfigFrom``: the API's ``{"Network": name}``, a plain name in the config
    format, ``None`` when empty). ``api_key`` is a key of the network object, or a tuple path into it
    (``('IPAM', 'Driver')``). A ``default`` of ``None`` means Docker (or a plugin) decides: a field
    that is not given is then never compared, also under ``replaced``.
``label``
    How messages name this module's networks ("bridge networks"); the driver name by default.
``resolve_desired(client, desired_configs)``
    Called once per run before planning (not for ``deleted``): checks what the host must offer for
    the desired networks (a plugin driver is installed and enabled) and rewrites values into the
    form the host uses (a plugin driver's tag). Returns (network, field, reason) problems.
``manages(network)``
    Whether an existing network (an entry of GET /networks) belongs to this module; by default its
    ``Driver`` is ``driver``. Config-only networks carry the driver ``null`` whatever they configure,
    so a driver that uses them claims them here.
``existing_view(config, network)``
    Adjusts the config-format dict of an existing network before it is compared or gathered, for
    what the driver knows about how Docker reports it (a network made from a config-only one shows
    that network's parent and subnets as if they were its own). Returns the dict to use.
``item_problems(config)``
    Driver rules visible in one ``config`` item alone, as (field, reason) tuples; checked with the
    engine's own static validation, so also under ``rendered`` and before a daemon is contacted.
``protected(network)``
    Returns why an existing network of this driver must never be removed by ``overridden`` when it
    is not listed (the swarm's ingress network, swarm's ``docker_gwbridge``), or ``None``.
``batch_problems(desired_configs, existing_networks)``
    Driver rules across the whole batch and the host, as (network, field, reason) tuples; e.g. a
    swarm has only one ingress network.
``preflight(client)``
    Called once a daemon is reachable, before anything is read or planned. Returns why this host
    cannot manage this driver's networks (an overlay network needs a swarm manager), or ``None``;
    the run then fails with that reason and any problems of the ``config`` itself.

Option kinds: ``str``, ``int``, ``bool``, ``address``; ``flag`` for options Docker stores as a
present-but-empty key (overlay's ``encrypted``); ``id_list`` for comma-separated numbers (VXLAN ids).

Each network is handled in the ``config`` format: a dict with the keys of COMMON_KEYS plus the
spec's option names; ``None`` means "not given". The engine adds subnets/labels/driver_opts
normalisation, comparison per state, planning, whole-batch validation and lossless recreation.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._client import APIError, NotFound

COMMON_KEYS = ('name', 'subnets', 'enable_ipv6', 'internal', 'attachable', 'labels', 'driver_opts')
SWARM_SERVICE_LABEL = 'com.docker.swarm.service.name'
TRUE_WORDS = ('1', 't', 'true', 'yes', 'on')
FALSE_WORDS = ('0', 'f', 'false', 'no', 'off')


class DriverOption:
    def __init__(self, docker_key, kind='str', default=None, allocated_by_docker=False):
        self.docker_key = docker_key
        self.kind = kind
        self.default = default
        # Docker picks a value when none is given (overlay VXLAN ids): like subnets, not giving
        # one accepts Docker's choice, also under replaced.
        self.allocated_by_docker = allocated_by_docker


class TopLevelField:
    def __init__(self, api_key, default=False, kind='bool'):
        self.api_key = api_key
        self.default = default
        self.kind = kind

    def read(self, network):
        """The config-format value of this field in a network object of the Engine API."""
        value = network
        for key in self.path():
            value = (value or {}).get(key)
        return self.from_api(value)

    def write(self, payload, value):
        """Puts the API form of ``value`` into a create payload, unless it is to be left out."""
        api_value = self.to_api(value)
        if api_value is None:
            return
        path = self.path()
        target = payload
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = api_value

    def path(self):
        return self.api_key if isinstance(self.api_key, tuple) else (self.api_key,)

    def normalise(self, value):
        """A value from the module's parameters in the form compared and returned."""
        if value is None:
            return None
        if self.kind == 'dict':
            return dict((str(key), docker_option_text(item)) for key, item in value.items())
        return value

    def from_api(self, value):
        """The config-format value of what the Engine API reports (GET /networks)."""
        if self.kind == 'bool':
            return bool(value)
        if self.kind == 'network_ref':
            # Docker reports {"Network": ""} for a network that is not made from a config-only one.
            return (value or {}).get('Network') or None
        if self.kind == 'dict':
            # Docker reports a map that was never set as null or {}.
            return dict(value or {})
        return value or self.default

    def to_api(self, value):
        """The Engine API value to send, or None to leave the field out of the request."""
        if self.kind == 'bool':
            return bool(value)
        if self.kind == 'dict':
            return dict(value) if value else None
        if value is None or value == self.default:
            # Not sent, as `docker network create` does not send it: Docker refuses some fields
            # (Scope on a config-only network) even when they only restate the default.
            return None
        if self.kind == 'network_ref':
            return dict(Network=value)
        return value


# Top-level fields every driver has, with Docker's behaviour when one is not given.
COMMON_TOP_LEVEL = dict(
    enable_ipv6=TopLevelField('EnableIPv6'),
    internal=TopLevelField('Internal'),
    attachable=TopLevelField('Attachable'),
)


class DriverSpec:
    def __init__(self, driver, options=None, predefined=('bridge', 'host', 'none'),
                 owned_interfaces=None, check_host_overlap=False, docker_managed_options=(),
                 top_level=None, protected=None, preflight=None, batch_problems=None, manages=None,
                 item_problems=None, existing_view=None, label=None, resolve_desired=None):
        self.driver = driver
        self.label = label or '%s networks' % driver
        self.options = dict(options or {})
        self.predefined = tuple(predefined)
        self.owned_interfaces = owned_interfaces or (lambda network: [])
        self.check_host_overlap = check_host_overlap
        self.docker_managed_options = tuple(docker_managed_options)
        self.top_level = dict(COMMON_TOP_LEVEL)
        self.top_level.update(top_level or {})
        self.protected = protected or (lambda network: None)
        self.preflight = preflight or (lambda client: None)
        self.batch_problems = batch_problems or (lambda desired_configs, existing_networks: [])
        self.manages = manages or (lambda network: network.get('Driver') == self.driver)
        self.item_problems = item_problems or (lambda config: [])
        self.existing_view = existing_view or (lambda config, network: config)
        self.resolve_desired = resolve_desired or (lambda client, desired_configs: [])

    def mapped_keys(self):
        return set(option.docker_key for option in self.options.values())


# ---------------------------------------------------------------- normalisation

def option_value(kind, value):
    """One driver-option value in the form compared and returned (bool, int, canonical text)."""
    if value is None:
        return None
    if kind == 'bool':
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        return value  # left as given so validation can name it
    if kind == 'int':
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if kind == 'address':
        return _ipam.canonical_address(value)
    if kind == 'flag':
        # Docker keeps a flag as a key with an empty value ("encrypted": ""): present means on.
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return text not in FALSE_WORDS
    if kind == 'id_list':
        # Docker stores "4097,4098"; the module takes and returns a list of numbers.
        items = value if isinstance(value, (list, tuple)) else str(value).split(',')
        try:
            return [int(str(item).strip()) for item in items if str(item).strip() != '']
        except ValueError:
            return str(value)
    return str(value)


def docker_option_text(value):
    """Driver options travel as strings; booleans as Docker writes them itself (``true``/``false``)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ','.join(str(item) for item in value)
    return str(value)


def _subnet_entry(subnet=None, gateway=None, ip_range=None, aux_addresses=None):
    entry = dict(subnet=_ipam.canonical_subnet(subnet), gateway=_ipam.canonical_address(gateway),
                 ip_range=_ipam.canonical_subnet(ip_range),
                 aux_addresses=dict((str(key), _ipam.canonical_address(value))
                                    for key, value in (aux_addresses or {}).items()))
    return entry


def _subnet_sort_key(entry):
    try:
        return (_ipam.ip_version(entry['subnet']), str(entry['subnet']))
    except ValueError:
        return (9, str(entry['subnet']))


def normalise_desired(spec, item):
    """Config-format dict from one ``config`` item of the module; ``None`` keeps meaning "not given"."""
    config = dict(name=item['name'])
    if item.get('subnets') is None:
        config['subnets'] = None
    else:
        subnet_keys = ('subnet', 'gateway', 'ip_range', 'aux_addresses')
        config['subnets'] = [_subnet_entry(**dict((key, entry.get(key)) for key in subnet_keys))
                             for entry in item['subnets']]
    for key, field in spec.top_level.items():
        config[key] = field.normalise(item.get(key))
    config['labels'] = None if item.get('labels') is None else \
        dict((str(key), str(value)) for key, value in item['labels'].items())
    config['driver_opts'] = None if item.get('driver_opts') is None else \
        dict((str(key), docker_option_text(value)) for key, value in item['driver_opts'].items())
    for name, option in spec.options.items():
        config[name] = option_value(option.kind, item.get(name))
    config['containers'] = None if item.get('containers') is None else \
        [desired_container(container) for container in item['containers']]
    return config


def from_docker(spec, network):
    """Config-format dict of an existing network (an entry of GET /networks or an inspect result).

    Complete: every field has a value, with what Docker fills in made explicit (the gateway it
    chose, the options' defaults), so feeding it back under ``replaced`` changes nothing.
    """
    subnets = []
    for pool in (network.get('IPAM') or {}).get('Config') or []:
        entry = _subnet_entry(pool.get('Subnet'), pool.get('Gateway'), pool.get('IPRange'),
                              pool.get('AuxiliaryAddresses'))
        subnets.append(_with_docker_defaults(entry))
    options = dict(network.get('Options') or {})
    config = dict(name=network['Name'], subnets=sorted(subnets, key=_subnet_sort_key),
                  labels=dict(network.get('Labels') or {}))
    for key, field in spec.top_level.items():
        config[key] = field.read(network)
    for name, option in spec.options.items():
        value = option_value(option.kind, options.get(option.docker_key))
        config[name] = option.default if value is None else value
    hidden = spec.mapped_keys() | set(spec.docker_managed_options)
    config['driver_opts'] = dict((key, value) for key, value in options.items() if key not in hidden)
    return spec.existing_view(config, network)


def _with_docker_defaults(entry):
    """A subnets entry with the gateway Docker picks when none is set, and no range that equals the subnet."""
    entry = dict(entry)
    try:
        if not entry['gateway']:
            entry['gateway'] = _ipam.first_host(entry['subnet'])
    except ValueError:
        pass
    if entry['ip_range'] == entry['subnet']:
        entry['ip_range'] = None
    return entry


def gathered_form(config):
    """Config for output: unset options and container attachments left out, so it reads like a playbook."""
    if config is None:
        return None
    shown = dict((key, value) for key, value in config.items() if value is not None and key != 'containers')
    if shown.get('subnets') is not None:
        shown['subnets'] = [dict((key, value) for key, value in entry.items() if value is not None)
                            for entry in shown['subnets']]
    return shown


def complete_config(spec, config):
    """A target config with Docker's defaults made explicit, as the network will look once created."""
    complete = dict(config)
    for key, field in spec.top_level.items():
        if complete.get(key) is None:
            complete[key] = field.default
    for name, option in spec.options.items():
        if complete.get(name) is None:
            complete[name] = option.default
    for key in ('labels', 'driver_opts'):
        complete[key] = dict(complete.get(key) or {})
    if complete.get('subnets') is not None:
        complete['subnets'] = sorted((_with_docker_defaults(entry) for entry in complete['subnets']),
                                     key=_subnet_sort_key)
    return complete


# ---------------------------------------------------------------- comparison

def differences(spec, desired, existing, state):
    """Field names in which an existing network differs from the desired one.

    ``merged`` compares only what is given, and labels/driver_opts only by the keys given.
    ``replaced``/``overridden`` compare every field; not given means Docker's default, except
    ``subnets``: when not given, whatever pool Docker allocated is accepted.
    """
    exact = state in ('replaced', 'overridden')
    found = []
    if desired['subnets'] is not None:
        wanted = sorted((_with_docker_defaults(entry) for entry in desired['subnets']), key=_subnet_sort_key)
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


def render_payload(spec, config):
    """Engine API body of POST /networks/create for a config."""
    options = {}
    for key, value in (config.get('driver_opts') or {}).items():
        options[key] = docker_option_text(value)
    for name, option in spec.options.items():
        # Docker's default is left out, as `docker network create` would: the host stays as plain as possible.
        if config.get(name) is None or config[name] == option.default:
            continue
        if option.kind == 'flag':
            if config[name]:
                options[option.docker_key] = ''
        else:
            options[option.docker_key] = docker_option_text(config[name])
    pools = []
    for entry in config.get('subnets') or []:
        pool = dict(Subnet=entry['subnet'])
        if entry.get('gateway'):
            pool['Gateway'] = entry['gateway']
        if entry.get('ip_range'):
            pool['IPRange'] = entry['ip_range']
        if entry.get('aux_addresses'):
            pool['AuxiliaryAddresses'] = dict(entry['aux_addresses'])
        pools.append(pool)
    payload = dict(Name=config['name'], Driver=spec.driver, CheckDuplicate=True, Options=options,
                   IPAM=dict(Driver='default', Config=pools, Options={}),
                   Labels=dict(config.get('labels') or {}))
    for key, field in spec.top_level.items():
        field.write(payload, config.get(key))
    return payload


# ---------------------------------------------------------------- validation without a daemon

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
    return problems


def format_problem(host, problem):
    name, field, reason = problem
    return 'network "%s" on %s: %s %s' % (name, host, field, reason)


# ---------------------------------------------------------------- container attachments

def endpoint_from_container(container, network_name, network_id=None):
    """What is needed to reconnect a container exactly as it is attached now.

    ``container`` is a container inspect result. Docker adds the short container id as an alias
    by itself on every connect, so it is left out: passing it back would only duplicate it.
    """
    networks = (container.get('NetworkSettings') or {}).get('Networks') or {}
    settings = networks.get(network_name)
    if settings is None and network_id:
        for value in networks.values():
            if value.get('NetworkID') == network_id:
                settings = value
    settings = settings or {}
    static = settings.get('IPAMConfig') or {}
    short_id = container['Id'][:12]
    labels = (container.get('Config') or {}).get('Labels') or {}
    return dict(
        name=container['Name'].lstrip('/'),
        id=container['Id'],
        running=bool((container.get('State') or {}).get('Running')),
        aliases=sorted(alias for alias in (settings.get('Aliases') or []) if alias not in (short_id, container['Id'])),
        ipv4_address=_ipam.canonical_address(static.get('IPv4Address')),
        ipv6_address=_ipam.canonical_address(static.get('IPv6Address')),
        current_ipv4=_ipam.canonical_address(settings.get('IPAddress')),
        current_ipv6=_ipam.canonical_address(settings.get('GlobalIPv6Address')),
        links=list(settings.get('Links') or []),
        mac_address=settings.get('MacAddress') or None,
        driver_opts=dict(settings.get('DriverOpts') or {}),
        service=labels.get(SWARM_SERVICE_LABEL),
    )


def desired_container(container):
    return dict(name=container['name'],
                aliases=None if container.get('aliases') is None else sorted(set(container['aliases'])),
                ipv4_address=_ipam.canonical_address(container.get('ipv4_address')),
                ipv6_address=_ipam.canonical_address(container.get('ipv6_address')))


def attachment_changes(desired_containers, endpoints, state):
    """(connect, reconnect, disconnect) lists of endpoint dicts turning ``endpoints`` into what is desired.

    ``desired_containers`` ``None`` means attachments are not managed: nothing changes.
    A changed endpoint is reconnected, because Docker cannot edit one in place.
    """
    if desired_containers is None:
        return [], [], []
    exact = state in ('replaced', 'overridden')
    by_name = dict((endpoint['name'], endpoint) for endpoint in endpoints)
    connect, reconnect = [], []
    for container in desired_containers:
        current = by_name.get(container['name'])
        if current is None:
            connect.append(dict(container, links=[], driver_opts={}, mac_address=None))
            continue
        wanted = dict(current)
        if container['aliases'] is not None:
            wanted['aliases'] = container['aliases'] if exact else sorted(set(current['aliases']) | set(container['aliases']))
        for family in ('ipv4_address', 'ipv6_address'):
            if container[family] is not None:
                wanted[family] = container[family]
        if any(wanted[key] != current[key] for key in ('aliases', 'ipv4_address', 'ipv6_address')):
            reconnect.append(wanted)
    disconnect = []
    if exact:
        names = set(container['name'] for container in desired_containers)
        disconnect = [endpoint for endpoint in endpoints if endpoint['name'] not in names]
    return connect, reconnect, disconnect


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


def reconnect_addresses(endpoint, target_subnets):
    """Addresses to reconnect with after a recreate: static ones always, dynamic ones when they still fit.

    Keeping a dynamic address is what makes the recreate invisible to peers that cached it; Docker
    only accepts a requested address on a network with configured subnets.
    """
    subnets = [entry['subnet'] for entry in target_subnets or []]
    reserved = set()
    for entry in target_subnets or []:
        reserved.add(entry.get('gateway') or _ipam.first_host(entry['subnet']))
        reserved.update((entry.get('aux_addresses') or {}).values())
    addresses = {}
    for family, current in (('ipv4_address', 'current_ipv4'), ('ipv6_address', 'current_ipv6')):
        address = endpoint.get(family)
        dynamic = endpoint.get(current)
        if not address and dynamic and dynamic not in reserved and _ipam.fits_subnets(dynamic, subnets):
            address = dynamic
        addresses[family] = address
    return addresses


# ---------------------------------------------------------------- planning and applying against a daemon

PAST_TENSE = dict(create='created', recreate='recreated', delete='deleted', update='updated', unchanged='unchanged')


def _subnets_of(network):
    return [pool['Subnet'] for pool in ((network.get('IPAM') or {}).get('Config') or []) if pool.get('Subnet')]


def _link_pairs(links):
    # The SDK wants (container, alias) pairs; inspect reports "container:alias" strings.
    pairs = []
    for link in links or []:
        container, _sep, alias = link.partition(':')
        pairs.append((container.lstrip('/'), alias.split('/')[-1] or None))
    return pairs


class NetworkEngine:
    """Plans and applies one ``config`` for one driver on the daemon behind ``client`` (a DockerClient).

    A no-op run makes one API round trip (GET /networks, which carries IPAM, Options and Labels);
    containers are only looked at for networks whose attachments are managed, recreated or deleted.
    ``read_host_prefixes`` is called (once, only when a subnet is about to change) for the host's
    own addresses and routes.
    """

    def __init__(self, client, spec, read_host_prefixes):
        self.client = client
        self.api = client.api
        self.host = client.host
        self.spec = spec
        self.read_host_prefixes = read_host_prefixes
        self._networks = None
        self._container_names = None
        self._services = None

    def networks(self, refresh=False):
        if self._networks is None or refresh:
            self._networks = self.client.call('listing networks', self.api.networks)
        return self._networks

    def gathered(self):
        return [from_docker(self.spec, network) for network in sorted(self.networks(), key=lambda n: n['Name'])
                if self.spec.manages(network) and network['Name'] not in self.spec.predefined]

    def gathered_after(self):
        self.networks(refresh=True)
        return self.gathered()

    def endpoints(self, network):
        """Every container attached to ``network``, running or stopped, as endpoint dicts."""
        listed = self.client.call('listing containers of network "%s"' % network['Name'], self.api.containers,
                                  all=True, filters={'network': [network['Id']]})
        found = []
        for summary in listed:
            container = self.client.call('inspecting container %s' % summary['Id'][:12],
                                         self.api.inspect_container, summary['Id'])
            found.append(endpoint_from_container(container, network['Name'], network['Id']))
        for service in self._services_of(network):
            found.append(dict(name='(service)', service=service, aliases=[], ipv4_address=None, ipv6_address=None,
                              running=True))
        return sorted(found, key=lambda endpoint: endpoint['name'])

    def _services_of(self, network):
        """Names of swarm services that use ``network``: attached to it, or published through it (ingress).

        Only a swarm-scoped network can carry services, and only a manager can list them; the
        services are listed once per run, and only when such a network is recreated or deleted.
        """
        if network.get('Scope') != 'swarm':
            return []
        if self._services is None:
            try:
                self._services = self.api.services()
            except APIError:
                # Not a manager: this host cannot see services, and cannot change swarm networks either.
                self._services = []
        using = set()
        for service in self._services:
            spec = service.get('Spec') or {}
            targets = [attachment.get('Target') for attachment in
                       ((spec.get('TaskTemplate') or {}).get('Networks') or spec.get('Networks') or [])]
            virtual_ips = [vip.get('NetworkID') for vip in ((service.get('Endpoint') or {}).get('VirtualIPs') or [])]
            if network['Id'] in targets or network['Name'] in targets or network['Id'] in virtual_ips:
                using.add(spec.get('Name') or service.get('ID'))
        return sorted(using)

    def container_names(self):
        if self._container_names is None:
            listed = self.client.call('listing containers', self.api.containers, all=True)
            self._container_names = set(name.lstrip('/') for container in listed for name in container.get('Names') or [])
        return self._container_names

    # ------------------------------------------------------------ plan

    def plan(self, state, desired_configs, recreate_policy='auto'):
        """(items, problems): one plan item per network concerned, and every reason not to go ahead."""
        spec = self.spec
        by_name = dict((network['Name'], network) for network in self.networks())
        items, problems = [], []
        if state != 'deleted':
            problems.extend(spec.resolve_desired(self.client, desired_configs))
        for desired in desired_configs:
            name = desired['name']
            current = by_name.get(name)
            if current is not None and not spec.manages(current):
                problems.append((name, 'name', 'is taken by a network with driver %s; this module manages %s'
                                 % (current.get('Driver'), spec.label)))
                continue
            if state == 'deleted':
                if current is None:
                    items.append(dict(name=name, action='unchanged', differences=[], before=None, after=None))
                else:
                    items.append(self._delete_item(current, problems))
                continue
            self._check_containers_exist(desired, problems)
            if current is None:
                target = target_config(spec, desired, None, state)
                connect, _reconnect, _disconnect = attachment_changes(desired.get('containers'), [], state)
                items.append(dict(name=name, action='create', differences=[], before=None, after=target,
                                  target=target, connect=connect, reconnect=[], disconnect=[], endpoints=[]))
                continue
            existing = from_docker(spec, current)
            found = differences(spec, desired, existing, state)
            target = target_config(spec, desired, existing, state)
            endpoints = []
            if found or desired.get('containers') is not None:
                endpoints = self.endpoints(current)
            connect, reconnect, disconnect = attachment_changes(desired.get('containers'), endpoints, state)
            item = dict(name=name, differences=found, before=existing, after=target, target=target, network=current,
                        connect=connect, reconnect=reconnect, disconnect=disconnect, endpoints=endpoints)
            if found:
                item['action'] = 'recreate'
                if recreate_policy == 'never':
                    problems.append((name, ', '.join(found), 'differ%s from the host and recreate is "never"; '
                                     'Docker cannot change a network in place'
                                     % ('' if len(found) > 1 else 's')))
                leaving = set(endpoint['name'] for endpoint in disconnect)
                staying = [endpoint for endpoint in endpoints if endpoint['name'] not in leaving]
                overrides = dict((endpoint['name'], endpoint) for endpoint in reconnect)
                restored = [overrides.get(endpoint['name'], endpoint) for endpoint in staying]
                for field, reason in restore_problems(restored, target.get('subnets')):
                    problems.append((name, field, reason))
            elif connect or reconnect or disconnect:
                item['action'] = 'update'
                item['differences'] = ['containers']
            else:
                item['action'] = 'unchanged'
                item['after'] = existing
            items.append(item)
        if state == 'overridden':
            listed = set(config['name'] for config in desired_configs)
            for network in sorted(self.networks(), key=lambda n: n['Name']):
                if not spec.manages(network) or network['Name'] in listed or network['Name'] in spec.predefined:
                    continue
                reason = spec.protected(network)
                if reason:
                    # Reported, so that a network overridden leaves in place is not a mystery.
                    kept = from_docker(spec, network)
                    items.append(dict(name=network['Name'], action='unchanged', differences=[], before=kept,
                                      after=kept, reason='not listed, but kept: %s' % reason))
                else:
                    items.append(self._delete_item(network, problems))
        for item in items:
            self._check_container_addresses(item, problems)
        problems.extend(self._overlap_problems(items, by_name))
        if state != 'deleted':
            problems.extend(spec.batch_problems(desired_configs, self.networks()))
        return items, problems

    def _delete_item(self, network, problems):
        endpoints = self.endpoints(network)
        services = sorted(set(endpoint['service'] for endpoint in endpoints if endpoint.get('service')))
        if services:
            problems.append((network['Name'], 'services', '%s still use it, so it cannot be deleted; remove the '
                             'services or take the network out of them first' % ', '.join(services)))
        running = [endpoint['name'] for endpoint in endpoints if endpoint.get('running') and not endpoint.get('service')]
        if running:
            problems.append((network['Name'], 'containers', 'cannot be deleted while containers are attached: %s; '
                             'disconnect or stop them first' % ', '.join(running)))
        return dict(name=network['Name'], action='delete', differences=[], before=from_docker(self.spec, network),
                    after=None, network=network)

    def _check_containers_exist(self, desired, problems):
        for index, container in enumerate(desired.get('containers') or []):
            if container['name'] not in self.container_names():
                problems.append((desired['name'], 'containers[%d].name' % index,
                                 'no container named "%s" exists on this host' % container['name']))

    def _check_container_addresses(self, item, problems):
        subnets = [entry['subnet'] for entry in (item.get('target') or {}).get('subnets') or []]
        for endpoint in (item.get('connect') or []) + (item.get('reconnect') or []):
            for family in ('ipv4_address', 'ipv6_address'):
                address = endpoint.get(family)
                if address and not _ipam.fits_subnets(address, subnets):
                    problems.append((item['name'], 'containers.%s' % family,
                                     '%s of container "%s" is outside the subnets %s' % (
                                         address, endpoint['name'], ', '.join(subnets) or '(none given)')))

    def _overlap_problems(self, items, by_name):
        """Subnets about to be created that collide with another network or with the host's own links."""
        changing = [item for item in items if item['action'] == 'create'
                    or (item['action'] == 'recreate' and 'subnets' in item['differences'])]
        # A config-only network allocates no addresses: it only holds settings for the networks made
        # from it (Docker accepts any number of config-only networks with the same subnet).
        changing = [item for item in changing if (item['target'] or {}).get('subnets')
                    and not item['target'].get('config_only')]
        # Another IPAM driver (a plugin) keeps address spaces of its own, which this host cannot see.
        changing = [item for item in changing if item['target'].get('ipam_driver') in (None, 'default')]
        if not changing:
            return []
        final = dict((name, _subnets_of(network)) for name, network in by_name.items() if not network.get('ConfigOnly'))
        for item in items:
            if item['action'] == 'delete' or (item.get('target') or {}).get('config_only'):
                final.pop(item['name'], None)
            elif item.get('target') is not None and item['target'].get('subnets') is not None:
                final[item['name']] = [entry['subnet'] for entry in item['target']['subnets']]
        host_prefixes = []
        if self.spec.check_host_overlap:
            owned = set()
            for network in by_name.values():
                if self.spec.manages(network):
                    owned.update(self.spec.owned_interfaces(network))
            host_prefixes = [prefix for prefix in self.read_host_prefixes() if prefix.interface not in owned]
        problems = []
        for item in changing:
            for entry in item['target']['subnets']:
                mine = entry['subnet']
                for other_name, other_subnets in sorted(final.items()):
                    if other_name == item['name']:
                        continue
                    for other in other_subnets:
                        if _ipam.overlaps(mine, other):
                            problems.append((item['name'], 'subnet', '%s overlaps network "%s" (%s)'
                                             % (mine, other_name, other)))
                reported = set()
                for prefix in host_prefixes:
                    if prefix.interface not in reported and _ipam.overlaps(mine, prefix.prefix):
                        reported.add(prefix.interface)
                        problems.append((item['name'], 'subnet', '%s overlaps %s' % (mine, prefix.describe())))
        return problems

    # ------------------------------------------------------------ apply

    def apply(self, items):
        """Carry out a validated plan: deletions first so their subnets and names are free for the rest."""
        order = dict(delete=0, recreate=1, create=2, update=3, unchanged=4)
        for item in sorted(items, key=lambda item: order[item['action']]):
            if item['action'] == 'delete':
                self.client.call('removing network "%s"' % item['name'], self.api.remove_network, item['network']['Id'])
                self._wait_until_removed(item['network'])
            elif item['action'] == 'recreate':
                self._recreate(item)
            elif item['action'] == 'create':
                network_id = self._create(item['target'])
                for endpoint in item['connect']:
                    self._connect(item['name'], network_id, endpoint)
            elif item['action'] == 'update':
                network_id = item['network']['Id']
                for endpoint in item['disconnect'] + item['reconnect']:
                    self._disconnect(item['name'], network_id, endpoint)
                for endpoint in item['reconnect'] + item['connect']:
                    self._connect(item['name'], network_id, endpoint)

    def _create(self, config):
        payload = render_payload(self.spec, config)
        created = self.client.call('creating network "%s"' % config['name'], self._post_network, payload)
        return created['Id']

    def _post_network(self, payload):
        if not any(payload.get(key) for key in SDK_UNKNOWN_FIELDS):
            return self.api.create_network(payload['Name'], **_create_arguments(payload))
        # The Docker SDK's create_network has no parameters for these fields (config-only networks
        # and networks made from them): the payload goes to the Engine API as it is.
        response = self.api._post_json(self.api._url('/networks/create'), data=payload)
        return self.api._result(response, json=True)

    def _recreate(self, item):
        """Disconnect, remove, create, reconnect; if creating fails, put the old network back as it was."""
        old_id = item['network']['Id']
        leaving = set(endpoint['name'] for endpoint in item['disconnect'])
        overrides = dict((endpoint['name'], endpoint) for endpoint in item['reconnect'])
        staying = [endpoint for endpoint in item['endpoints'] if endpoint['name'] not in leaving]
        for endpoint in item['endpoints']:
            self._disconnect(item['name'], old_id, endpoint)
        try:
            self.api.remove_network(old_id)
            self._wait_until_removed(item['network'])
        except APIError as exc:
            # A swarm network can be in use on other nodes, which this host cannot see beforehand
            # (the API hides network-attachment tasks): put the local containers back and stop.
            for endpoint in item['endpoints']:
                self._connect(item['name'], old_id, endpoint, item['before'].get('subnets'))
            self.client.module.fail_json(
                msg='network "%s" on %s: cannot be recreated, Docker refused to remove it (%s); it was left '
                    'as it was, with its containers reconnected. A swarm network used on other nodes must be '
                    'freed there first' % (item['name'], self.host, getattr(exc, 'explanation', None) or exc))
        try:
            new_id = self._create_raw(item['target'])
        except Exception as exc:
            restored_id = self._create_raw(item['before'])
            for endpoint in item['endpoints']:
                self._connect(item['name'], restored_id, endpoint, item['before'].get('subnets'))
            self.client.module.fail_json(
                msg='network "%s" on %s: recreating it failed (%s); the previous network was put back with its '
                    'containers' % (item['name'], self.host, getattr(exc, 'explanation', None) or exc))
        for endpoint in staying:
            self._connect(item['name'], new_id, overrides.get(endpoint['name'], endpoint), item['target'].get('subnets'))
        for endpoint in item['connect']:
            self._connect(item['name'], new_id, endpoint)

    def _wait_until_removed(self, network, timeout=30):
        """A swarm network disappears from this node a moment after the manager removed it; creating one
        with the same name before that fails with a name conflict."""
        if network.get('Scope') != 'swarm':
            return
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                self.api.inspect_network(network['Id'])
            except NotFound:
                return
            time.sleep(0.2)
        self.client.module.fail_json(msg='network "%s" on %s: still present %d seconds after it was removed'
                                         % (network['Name'], self.host, timeout))

    def _create_raw(self, config):
        # Unlike _create, lets the API error through so _recreate can roll back.
        payload = render_payload(self.spec, config)
        return self._post_network(payload)['Id']

    def _disconnect(self, network_name, network_id, endpoint):
        if endpoint.get('service'):
            return
        self.client.call('disconnecting container "%s" from network "%s"' % (endpoint['name'], network_name),
                         self.api.disconnect_container_from_network, endpoint.get('id') or endpoint['name'],
                         network_id, force=True)

    def _connect(self, network_name, network_id, endpoint, keep_dynamic_in=None):
        if endpoint.get('service'):
            return
        addresses = reconnect_addresses(endpoint, keep_dynamic_in) if keep_dynamic_in is not None else \
            dict(ipv4_address=endpoint.get('ipv4_address'), ipv6_address=endpoint.get('ipv6_address'))
        extra = {}
        # Engine API 1.44 is the first to take a MAC address on connect; older daemons derive it from the IP.
        if endpoint.get('mac_address') and self.client.api_at_least('1.44'):
            extra['mac_address'] = endpoint['mac_address']
        self.client.call('connecting container "%s" to network "%s"' % (endpoint['name'], network_name),
                         self.api.connect_container_to_network, endpoint.get('id') or endpoint['name'], network_id,
                         ipv4_address=addresses['ipv4_address'], ipv6_address=addresses['ipv6_address'],
                         aliases=endpoint.get('aliases') or None, links=_link_pairs(endpoint.get('links')) or None,
                         driver_opt=endpoint.get('driver_opts') or None, **extra)


# Top-level fields of POST /networks/create that the SDK's create_network cannot send.
SDK_UNKNOWN_FIELDS = ('ConfigOnly', 'ConfigFrom')


def _create_arguments(payload):
    """Keyword arguments of the SDK's create_network for an Engine API payload."""
    arguments = dict(driver=payload['Driver'], options=payload['Options'], ipam=payload['IPAM'],
                     check_duplicate=True, internal=payload['Internal'], labels=payload['Labels'],
                     enable_ipv6=payload['EnableIPv6'], attachable=payload['Attachable'])
    if payload.get('Ingress'):
        arguments['ingress'] = True
    if payload.get('Scope'):
        arguments['scope'] = payload['Scope']
    return arguments


def action_report(item):
    """What the ``actions`` result says about one plan item."""
    report = dict(name=item['name'], action=PAST_TENSE[item['action']], differences=list(item.get('differences') or []))
    containers = {}
    for key, label in (('connect', 'connected'), ('reconnect', 'reconnected'), ('disconnect', 'disconnected')):
        names = [endpoint['name'] for endpoint in item.get(key) or []]
        if names:
            containers[label] = names
    if item['action'] == 'recreate':
        leaving = set(endpoint['name'] for endpoint in item.get('disconnect') or [])
        kept = [endpoint['name'] for endpoint in item.get('endpoints') or [] if endpoint['name'] not in leaving
                and not endpoint.get('service')]
        if kept:
            containers['restored'] = kept
    if containers:
        report['containers'] = containers
    if item.get('reason'):
        report['reason'] = item['reason']
    return report
