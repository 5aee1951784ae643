# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Count the module round trips each host made in a run (issue 28's "module calls per host").

Not part of the collection: bench/bench_site.py and the site_cost integration target enable it with
ANSIBLE_CALLBACKS_ENABLED=module_calls and ANSIBLE_CALLBACK_PLUGINS=<this folder>, and read the JSON
it writes to $FLEETNET_MODULE_CALLS at the end of the run: {host: {"calls": n, "tasks": [...]}}.
A task counts when it ran a module on (or delegated from) a host; the actions the controller runs by
itself (set_fact, debug, assert, include_tasks, ...) and skipped tasks do not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: module_calls
type: aggregate
short_description: Count module round trips per host
description: Writes the calls and tasks per host as JSON to the file named by FLEETNET_MODULE_CALLS when the run ends.
options: {}
'''

import json
import os

from ansible.plugins.callback import CallbackBase

CONTROLLER_ACTIONS = frozenset(name for short in (
    'set_fact', 'debug', 'assert', 'fail', 'include_tasks', 'import_tasks', 'include_role', 'import_role',
    'include_vars', 'meta', 'add_host', 'group_by', 'set_stats', 'pause', 'validate_argument_spec', 'noop')
    for name in (short, 'ansible.builtin.' + short, 'ansible.legacy.' + short))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'module_calls'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.calls = {}

    def _count(self, result):
        if result._task.action in CONTROLLER_ACTIONS:
            return
        host = result._host.get_name()
        entry = self.calls.setdefault(host, dict(calls=0, tasks=[]))
        entry['calls'] += 1
        entry['tasks'].append(result._task.get_name())

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_runner_on_unreachable(self, result):
        self._count(result)

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('FLEETNET_MODULE_CALLS')
        if path:
            with open(path, 'w') as handle:
                json.dump(self.calls, handle, indent=1, sort_keys=True)
