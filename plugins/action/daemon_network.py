# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the daemon_network module; a restart_command the task leaves out comes from the host.

How a host's dockerd restarts belongs to the host (systemd on most, the sandbox fleet's script on
its hosts), so the inventory says it once with the host variable fleetnet_docker_restart_command,
and neither playbooks nor roles have to pass it to every task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

HOST_VARIABLE = 'fleetnet_docker_restart_command'


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        module_args = dict(self._task.args)
        if module_args.get('restart_command') is None and task_vars.get(HOST_VARIABLE):
            module_args['restart_command'] = self._templar.template(task_vars[HOST_VARIABLE])
        result.update(self._execute_module(module_name='fleetnet.docker.daemon_network',
                                           module_args=module_args, task_vars=task_vars))
        return result
