# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the engine knows of a network driver: the Driver base class and the option declarations.

Private to this collection. Each driver is a subclass in plugins/module_utils/_drivers/ that
declares its options and fields (which also yield the module's argspec) and overrides the hooks
whose default does not fit. The engine only ever calls the attributes and methods below.

Each network is handled in the ``config`` format: a dict with the keys of COMMON_KEYS plus the
driver's option and field names; ``None`` means "not given".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import docker_option_text


def _argspec(type_name, choices=None, elements=None):
    spec = dict(type=type_name)
    if elements:
        spec['elements'] = elements
    if choices:
        spec['choices'] = list(choices)
    return spec


class DriverOption:
    """A driver option: a module option stored in the network's ``Options`` map under ``docker_key``.

    ``kind`` decides how the value is normalised, since Docker keeps driver options as the strings
    it was given (``'1'``/``'true'`` and ``1400``/``'1400'`` must compare equal): ``str``, ``int``,
    ``bool``, ``address``; ``flag`` for a present-but-empty key (overlay's ``encrypted``); ``id_list``
    for comma-separated numbers (VXLAN ids). ``default`` is what Docker behaves as when the option
    is absent (``None``: no fixed value); under ``replaced`` an option not given is compared with it.
    ``name_list``: interface names Docker keeps joined by ``:`` (bridge's trusted_host_interfaces), a set
    to the module (sorted, no repeats; an empty list is the option not set).
    ``allocated_by_docker``: Docker picks a value when none is given (overlay VXLAN ids); like
    subnets, not giving one accepts Docker's choice, also under replaced. ``choices`` go into the argspec.
    """

    ARGSPEC_TYPES = dict(str='str', int='int', bool='bool', address='str', flag='bool', id_list='list', name_list='list')
    LIST_ELEMENTS = dict(id_list='int', name_list='str')

    def __init__(self, docker_key, kind='str', default=None, allocated_by_docker=False, choices=None):
        self.docker_key = docker_key
        self.kind = kind
        self.default = default
        self.allocated_by_docker = allocated_by_docker
        self.choices = choices

    def argspec(self):
        return _argspec(self.ARGSPEC_TYPES[self.kind], self.choices, self.LIST_ELEMENTS.get(self.kind))


class TopLevelField:
    """A field of the network object itself (not a driver option), e.g. ``Internal`` or overlay's ``Ingress``.

    ``api_key`` is a key of the network object, or a tuple path into it (``('IPAM', 'Driver')``).
    ``kind``: ``'bool'``; ``'str'`` (e.g. ``Scope``; a value equal to the default is not sent, as the
    CLI does not send it); ``'dict'`` (string map, e.g. IPAM options); ``'network_ref'`` (``ConfigFrom``:
    the API's ``{"Network": name}``, a plain name in the config format). A ``default`` of ``None``
    means Docker (or a plugin) decides: a field that is not given is then never compared, also
    under ``replaced``. ``choices`` go into the argspec. ``sent_when_not_default``: the field is only
    sent when it differs from the default (EnableIPv4: engines before 28.0 do not know it, and a
    payload that does not need it stays as every engine reads it).
    """

    ARGSPEC_TYPES = dict(bool='bool', str='str', dict='dict', network_ref='str')

    def __init__(self, api_key, default=False, kind='bool', choices=None, sent_when_not_default=False):
        self.api_key = api_key
        self.default = default
        self.kind = kind
        self.choices = choices
        self.sent_when_not_default = sent_when_not_default

    def argspec(self):
        return _argspec(self.ARGSPEC_TYPES[self.kind], self.choices)

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
            # An engine that does not report the field behaves as its default (EnableIPv4 before 28.0).
            return self.default if value is None else bool(value)
        if self.kind == 'network_ref':
            # Docker reports {"Network": ""} for a network that is not made from a config-only one.
            return (value or {}).get('Network') or None
        if self.kind == 'dict':
            # Docker reports a map that was never set as null or {}.
            return dict(value or {})
        return value or self.default

    def to_api(self, value):
        """The Engine API value to send, or None to leave the field out of the request."""
        if self.sent_when_not_default and (value is None or value == self.default):
            return None
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


class Driver:
    """One Docker network driver. Subclasses set the class attributes and override hooks as needed.

    ``module`` (the AnsibleModule) is there for drivers that read the host (interfaces, kernel probes).
    """

    # Docker's driver name: only networks with it are gathered, compared or removed by overridden
    # (None for plugin_networks, where each network names its driver).
    driver = None
    # How messages name this module's networks; "<driver> networks" when not set.
    label = None
    # {module option name: DriverOption}: the driver options of the Options map.
    options = {}
    # {module option name: TopLevelField}: fields of the network beyond COMMON_TOP_LEVEL.
    fields = {}
    # Networks the daemon makes itself: targeting one is an error, overridden never removes one.
    predefined = ('bridge', 'host', 'none')
    # Whether a subnet overlapping an address or route of the host's own interfaces is an error
    # (true for bridge; a macvlan subnet is the LAN itself).
    check_host_overlap = False
    # Driver option keys Docker sets by itself: never compared, never sent.
    docker_managed_options = ()

    def __init__(self, module=None):
        self.module = module
        self.top_level = dict(COMMON_TOP_LEVEL)
        self.top_level.update(self.fields)
        if self.label is None:
            self.label = '%s networks' % self.driver

    @classmethod
    def argspec(cls):
        """The driver's own suboptions of ``config``, from its declarations (the common ones are the runner's)."""
        declared = dict((name, option.argspec()) for name, option in cls.options.items())
        declared.update((name, field.argspec()) for name, field in cls.fields.items())
        return declared

    def mapped_keys(self):
        return set(option.docker_key for option in self.options.values())

    # ------------------------------------------------------------ hooks (defaults: nothing special)

    def preflight(self, client):
        """Called once a daemon is reachable, before anything is read: why this host cannot manage these
        networks (an overlay network needs a swarm manager), or None. The run then fails with it."""
        return None

    def resolve_desired(self, client, desired_configs):
        """Before planning (not for deleted): checks what the host must offer for the desired networks and
        rewrites values into the host's form (a plugin's tag). Returns (network, field, reason) problems."""
        return []

    def manages(self, network):
        """Whether an existing network (an entry of GET /networks) belongs to this module."""
        return network.get('Driver') == self.driver

    def existing_view(self, config, network):
        """The config-format dict of an existing network, adjusted for how Docker reports this driver's."""
        return config

    def item_problems(self, config):
        """Driver rules visible in one ``config`` item alone, as (field, reason); checked without a daemon."""
        return []

    def batch_problems(self, desired_configs, existing_networks):
        """Driver rules across the whole batch and the host, as (network, field, reason)."""
        return []

    def protected(self, network):
        """Why overridden must never remove this existing network when it is not listed, or None."""
        return None

    def owned_interfaces(self, network):
        """Host interfaces a network of this driver creates: their addresses are not host overlaps."""
        return []
