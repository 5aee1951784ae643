# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The config format: a network as the module takes and returns it, from either side.

Private to this collection. ``normalise_desired`` turns one ``config`` item of the module into it,
``from_docker`` an existing network of GET /networks; ``None`` always means "not given"."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam


COMMON_KEYS = ('name', 'subnets', 'enable_ipv6', 'internal', 'attachable', 'labels', 'driver_opts')
TRUE_WORDS = ('1', 't', 'true', 'yes', 'on')
FALSE_WORDS = ('0', 'f', 'false', 'no', 'off')


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
    if kind == 'name_list':
        # Docker stores "eth0:eth1"; the module takes and returns the names as a set.
        items = value if isinstance(value, (list, tuple)) else str(value).split(':')
        names = sorted(set(str(item).strip() for item in items if str(item).strip()))
        return names or None
    return str(value)


def option_text(option, value):
    """A driver option's value as Docker keeps it in the network's Options."""
    if option.kind == 'name_list':
        return ':'.join(value)
    return docker_option_text(value)


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


def subnet_sort_key(entry):
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
    config['containers'] = None
    if item.get('containers') is not None:
        # Lazily: a config without containers does not import (compile) attachments (issue 16).
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import desired_container
        config['containers'] = [desired_container(container) for container in item['containers']]
    return config


def _subnets_of(network):
    subnets = []
    for pool in (network.get('IPAM') or {}).get('Config') or []:
        entry = _subnet_entry(pool.get('Subnet'), pool.get('Gateway'), pool.get('IPRange'),
                              pool.get('AuxiliaryAddresses'))
        subnets.append(with_docker_defaults(entry))
    return sorted(subnets, key=subnet_sort_key)


def config_only_subnets(network, listing):
    """The subnets of a config-only network whose engine does not list them, or None when not known.

    From Engine 29.0 a network's IPAM config lists only the pools it has allocated (moby's
    daemon/network.go, buildIPAMResources), and a config-only network allocates none: it shows
    ``"Config": null`` whatever it was created with. A network made from it (config_from) gets the
    same IPAM config and does show it, so that one is read; without one the subnets are not known,
    and comparing stops there instead of recreating the network on every run.
    """
    for other in listing:
        if (other.get('ConfigFrom') or {}).get('Network') == network['Name'] and (other.get('IPAM') or {}).get('Config'):
            return _subnets_of(other)
    return None


def pools_hidden(network):
    """Whether a network shows no pools because it is config-only (see config_only_subnets)."""
    return bool(network.get('ConfigOnly')) and not (network.get('IPAM') or {}).get('Config')


def from_docker(spec, network, listing=None):
    """Config-format dict of an existing network (an entry of GET /networks or an inspect result).

    Complete: every field has a value, with what Docker fills in made explicit (the gateway it
    chose, the options' defaults), so feeding it back under ``replaced`` changes nothing. ``listing``
    (the host's networks) is given where the engine hides a config-only network's pools: its
    ``subnets`` then come from config_only_subnets, None when not known.
    """
    subnets = _subnets_of(network)
    if listing is not None and pools_hidden(network):
        subnets = config_only_subnets(network, listing)
    options = dict(network.get('Options') or {})
    config = dict(name=network['Name'], subnets=subnets, labels=dict(network.get('Labels') or {}))
    for key, field in spec.top_level.items():
        config[key] = field.read(network)
    for name, option in spec.options.items():
        value = option_value(option.kind, options.get(option.docker_key))
        config[name] = option.default if value is None else value
    hidden = spec.mapped_keys() | set(spec.docker_managed_options)
    config['driver_opts'] = dict((key, value) for key, value in options.items() if key not in hidden)
    return spec.existing_view(config, network)


def with_docker_defaults(entry):
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
        complete['subnets'] = sorted((with_docker_defaults(entry) for entry in complete['subnets']),
                                     key=subnet_sort_key)
    return complete
