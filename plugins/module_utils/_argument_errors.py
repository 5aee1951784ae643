# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument errors that name the host and the network, like every other problem of a run.

Private to this collection. Ansible checks a module's arguments before the module runs, and its
message for a bad ``config`` item ("argument 'mtu' is of type <class 'str'> found in 'config'.
and we were unable to convert to int") names neither the network nor the item. ``NetworkModule``
(_module_runner.py) is an AnsibleModule that, when that check fails, checks each ``config`` item
on its own with ``argument_failure``, which reports ``network "NAME" on HOST: FIELD "VALUE": REASON``
for each bad one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.fleetnet.docker.plugins.module_utils._client import this_host
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

# Where Ansible's messages name the option: "argument 'mtu' is of type ...", "value of mode must be
# one of ...", "missing required arguments: name", "colour. Supported parameters include: ...".
_FIELD_PATTERNS = (r"argument '([^']+)'", r'^value of ([A-Za-z0-9_]+) must be', r'required arguments: ([A-Za-z0-9_]+)',
                   r'^([A-Za-z0-9_]+)\. Supported parameters')


def _field(message):
    for pattern in _FIELD_PATTERNS:
        match = re.search(pattern, message)
        if match:
            return match.group(1)
    return None


def item_problems(network_options, items):
    """(network, field, reason) for every ``config`` item the argspec ``network_options`` refuses."""
    problems = []
    validator = ArgumentSpecValidator(network_options)
    for index, item in enumerate(items or []):
        if not isinstance(item, dict):
            problems.append(('config[%d]' % index, 'config[%d]' % index, 'is not a dictionary: %r' % (item,)))
            continue
        name = item.get('name') if isinstance(item.get('name'), str) else 'config[%d]' % index
        for error in validator.validate(dict(item)).errors:
            message = error.msg
            field = _field(message) or 'config[%d]' % index
            value = item.get(field)
            shown = '"%s"' % value if field in item and not isinstance(value, (dict, list)) else ''
            problems.append((name, field, ('%s: %s' % (shown, message)) if shown else message))
    return problems


def argument_failure(argument_spec, params):
    """The ModuleFailure naming each ``config`` item Ansible's argument check refused, or None.

    ``params`` are the arguments as given: what Ansible could not convert is left as it was.
    """
    options = ((argument_spec.get('config') or {}).get('options')) or {}
    items = params.get('config')
    problems = item_problems(options, items if isinstance(items, list) else [])
    if not problems:
        return None
    return ModuleFailure(problems=problems, host=this_host())
