# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How every fleetnet.docker module ends: ``run_module``, the one place that calls exit_json and fail_json.

Private to this collection. A module's ``main()`` builds its AnsibleModule and hands it to
``run_module`` with the function that does the work:

    def main():
        module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
        run_module(module, run)

``run(module)`` returns the result; whatever stops it, before or during a change, is raised as a
``ModuleFailure`` (_problems.py) that carries ``changed`` and what was done, and is reported here once.
Anything else is a bug and surfaces as Ansible shows an unexpected exception.

``NetworkModule`` lives here too: Ansible checks arguments in AnsibleModule's constructor, before
any run exists, and reports a bad one through ``fail_json``; that override is the only other caller.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


def run_module(module, run, *arguments):
    """Exit with ``run(module, *arguments)``'s result, or fail once with the ModuleFailure that stopped it."""
    try:
        result = run(module, *arguments)
    except ModuleFailure as failure:
        module.fail_json(**failure.result())
    module.exit_json(**result)


class NetworkModule(AnsibleModule):
    """AnsibleModule for a ``*_networks`` module: argument errors in ``config`` name the network (_argument_errors.py)."""

    def __init__(self, *args, **kwargs):
        self._arguments_checked = False
        super(NetworkModule, self).__init__(*args, **kwargs)
        self._arguments_checked = True

    def fail_json(self, msg=None, **kwargs):
        if not self._arguments_checked:
            # Only a run with a bad argument needs these: a good one does not import them (issue 16).
            from ansible_collections.fleetnet.docker.plugins.module_utils._argument_errors import argument_failure
            failure = argument_failure(self.argument_spec, self.params)
            if failure is not None:
                msg = failure.text()
                kwargs['errors'] = failure.lines()
        super(NetworkModule, self).fail_json(msg=msg, **kwargs)
