# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Engine API body of POST /networks/create for a network in the config format.

Private to this collection. ``rendered`` returns it, and the client sends it as it is."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import docker_option_text, option_text


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
            options[option.docker_key] = option_text(option, config[name])
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
