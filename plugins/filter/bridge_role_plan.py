# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge role's plan for the whole play (documented in bridge_role_plan.yml next to this file).

The logic lives in module_utils/_bridge_role.py (and the slice numbering shared with the macvlan role
in _fleet_plan.py), where it is unit-tested; this file only hands the role's input to it.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.module_utils._bridge_role import fleet_plan


def bridge_role_plan(inputs, peers=None):
    """Every host's bridge networks, routes and daemon defaults, and every problem of the fleet's input."""
    for given in (inputs, peers or []):
        if not isinstance(given, (list, tuple)) or not all(isinstance(one, dict) and one.get('host') for one in given):
            raise AnsibleFilterError('bridge_role_plan: the input and the peers must be lists of per-host dicts with a "host" key')
    return fleet_plan(list(inputs), list(peers or []))


class FilterModule:
    def filters(self):
        return dict(bridge_role_plan=bridge_role_plan)
