# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A driver described for the engine: its options, fields and hooks (DriverSpec).

Private to this collection.

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

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import docker_option_text


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
