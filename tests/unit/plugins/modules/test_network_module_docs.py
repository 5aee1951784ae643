# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every *_networks module repeats the common ``config`` suboptions in its DOCUMENTATION (doc
fragments cannot extend an option's suboptions): this keeps each copy in step with the argspec."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.fleetnet.docker.plugins.modules import (
    bridge_networks, ipvlan_networks, macvlan_networks, overlay_networks, plugin_networks)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec

MODULES = [
    (bridge_networks, bridge_networks.BRIDGE_OPTIONS),
    (overlay_networks, overlay_networks.OVERLAY_OPTIONS),
    (macvlan_networks, macvlan_networks.MACVLAN_OPTIONS),
    (ipvlan_networks, ipvlan_networks.IPVLAN_OPTIONS),
    (plugin_networks, plugin_networks.PLUGIN_NETWORK_OPTIONS),
]


def _documented(options):
    return dict((name, sorted(_documented(value.get('suboptions') or {}).items()))
                for name, value in options.items())


def _declared(options):
    return dict((name, sorted(_declared(value.get('options') or {}).items()))
                for name, value in options.items())


@pytest.mark.parametrize('module, driver_options', MODULES, ids=[entry[0].__name__.rsplit('.', 1)[-1] for entry in MODULES])
def test_config_documentation_matches_argspec(module, driver_options):
    documented = yaml.safe_load(module.DOCUMENTATION)['options']['config']['suboptions']
    declared = network_module_argspec(driver_options)['config']['options']
    assert _documented(documented) == _declared(declared)
