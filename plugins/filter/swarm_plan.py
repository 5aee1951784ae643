# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The swarm_overlay role's plan across the fleet (documented in swarm_plan.yml next to this one).

The logic lives in module_utils/_swarm_plan.py, where the unit tests reach it.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.module_utils._swarm_plan import swarm_plan as plan_swarm


def swarm_plan(managers, workers, memberships, init_host=None):
    """The plan for the hosts of `managers` and `workers`, from each host's gathered swarm membership."""
    if not isinstance(memberships, dict):
        raise AnsibleFilterError('swarm_plan: memberships must map host names to the "swarm" that '
                                 'fleetnet.docker.swarm state=gathered returned, not %s' % type(memberships).__name__)
    return plan_swarm(managers, workers, memberships, init_host or None)


class FilterModule:
    def filters(self):
        return dict(swarm_plan=swarm_plan)
