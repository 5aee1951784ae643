# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan role's plan for the whole play (documented in macvlan_role_plan.yml next to this file).

The logic lives in module_utils/_macvlan_role.py (and the slice numbering shared with other fleet roles
in _fleet_plan.py), where it is unit-tested; this file only hands the role's input to it.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.module_utils._macvlan_role import fleet_plan


def macvlan_role_plan(inputs):
    """Every host's networks, slices and links, and every problem of the fleet's input."""
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(given, dict) and given.get('host') for given in inputs):
        raise AnsibleFilterError('macvlan_role_plan: the input must be a list of per-host dicts with a "host" key')
    return fleet_plan(list(inputs))


class FilterModule:
    def filters(self):
        return dict(macvlan_role_plan=macvlan_role_plan)
