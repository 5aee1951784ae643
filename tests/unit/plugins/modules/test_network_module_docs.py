# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every *_networks module's DOCUMENTATION (with its doc fragments) against the argspec it really runs.

DOCUMENTATION is written by hand; the argspec comes from the runner and the module's Driver class.
Compared in full, option by option down to the suboptions: type, elements, choices, default,
required, aliases.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.fleetnet.docker.plugins.doc_fragments import docker as docker_fragment
from ansible_collections.fleetnet.docker.plugins.doc_fragments import network_resource as network_resource_fragment
from ansible_collections.fleetnet.docker.plugins.modules import (
    bridge_networks, ipvlan_networks, macvlan_networks, networks_info, overlay_networks, plugin_networks)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.runner import network_module_argspec

MODULES = [bridge_networks, overlay_networks, macvlan_networks, ipvlan_networks, plugin_networks]
FRAGMENTS = {
    'fleetnet.docker.docker': docker_fragment.ModuleDocFragment.DOCUMENTATION,
    'fleetnet.docker.network_resource': network_resource_fragment.ModuleDocFragment.DOCUMENTATION,
}


def documented_options(module):
    """The module's options with its fragments' merged in, as ansible-doc does (shallow, per option)."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get('extends_documentation_fragment') or []:
        options.update(yaml.safe_load(FRAGMENTS[fragment])['options'])
    options.update(doc['options'])
    return options


def comparable(options, suboptions_key):
    """What is compared of each option; DOCUMENTATION nests with ``suboptions``, an argspec with ``options``."""
    return dict((name, dict(
        type=entry.get('type', 'str'), elements=entry.get('elements'), choices=entry.get('choices'),
        default=entry.get('default'), required=bool(entry.get('required')), aliases=sorted(entry.get('aliases') or []),
        suboptions=comparable(entry[suboptions_key], suboptions_key) if suboptions_key in entry else None,
    )) for name, entry in options.items())


def from_documentation(options):
    return comparable(options, 'suboptions')


def from_argspec(options):
    return comparable(options, 'options')


@pytest.mark.parametrize('module', MODULES, ids=[module.__name__.rsplit('.', 1)[-1] for module in MODULES])
def test_documentation_matches_the_argspec_in_full(module):
    documented = from_documentation(documented_options(module))
    declared = from_argspec(network_module_argspec(module.DRIVER))
    assert sorted(documented) == sorted(declared)
    for name in sorted(declared):
        assert documented[name] == declared[name], name


def test_the_comparison_sees_a_wrong_choice_deep_in_the_suboptions():
    documented = from_documentation(documented_options(macvlan_networks))
    documented['config']['suboptions']['mode']['choices'] = ['bridge']
    assert documented != from_argspec(network_module_argspec(macvlan_networks.DRIVER))


def _descriptions_that_are_not_text(node, path=''):
    """Paths whose description is not text: a ": " in a plain YAML line turns it into a mapping."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'description' and not all(isinstance(line, str) for line in (value if isinstance(value, list) else [value])):
                found.append(path)
            found += _descriptions_that_are_not_text(value, '%s.%s' % (path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _descriptions_that_are_not_text(value, '%s[%d]' % (path, index))
    return found


@pytest.mark.parametrize('module', MODULES + [networks_info], ids=lambda module: module.__name__.rsplit('.', 1)[-1])
def test_every_description_is_text(module):
    for block in ('DOCUMENTATION', 'RETURN'):
        assert _descriptions_that_are_not_text(yaml.safe_load(getattr(module, block)), block) == []


# Ansible merges doc fragments per top-level option only, so the container entries of config[] cannot
# come from one fragment: each module writes them out. They are one thing to a user, so they must
# read the same everywhere (the list's own description may say what differs for the driver).
@pytest.mark.parametrize('module', MODULES[1:], ids=[module.__name__.rsplit('.', 1)[-1] for module in MODULES[1:]])
def test_container_entries_read_the_same_in_every_module(module):
    def entries(of):
        return yaml.safe_load(of.DOCUMENTATION)['options']['config']['suboptions']['containers']['suboptions']
    assert entries(module) == entries(MODULES[0])
